/* Shop checkout: #address -> #payment -> #review -> place order.
 * Card number (Luhn), expiry (MM/YY, not expired) and CVC are validated. */
(function () {
  'use strict';

  var $ = SG.$;
  var STEPS = ['address', 'payment', 'review'];
  var EMAIL_RE = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;
  var step = 'address';
  var errors = {};
  var placing = false;

  /* ------------------------------------------------------------- helpers */
  function digits(s) { return String(s || '').replace(/\D/g, ''); }
  function luhn(num) {
    var sum = 0;
    for (var i = 0; i < num.length; i++) {
      var d = +num[num.length - 1 - i];
      if (i % 2 === 1) { d *= 2; if (d > 9) { d -= 9; } }
      sum += d;
    }
    return num.length > 0 && sum % 10 === 0;
  }
  function brand(num) {
    if (/^3[47]/.test(num)) { return 'American Express'; }
    if (/^4/.test(num)) { return 'Visa'; }
    if (/^(5[1-5]|2[2-7])/.test(num)) { return 'Mastercard'; }
    if (/^6(011|5)/.test(num)) { return 'Discover'; }
    return '';
  }
  function formatCard(num) {
    if (/^3[47]/.test(num)) {
      return [num.slice(0, 4), num.slice(4, 10), num.slice(10, 15)].filter(Boolean).join(' ');
    }
    return (num.slice(0, 19).match(/.{1,4}/g) || []).join(' ');
  }
  function values(form) {
    var v = {};
    SG.$$('input[name], select[name]', form).forEach(function (el) {
      if (el.type === 'radio') { if (el.checked) { v[el.name] = el.value; } }
      else if (el.type === 'checkbox') { v[el.name] = el.checked; }
      else { v[el.name] = el.value.trim(); }
    });
    return v;
  }
  function showErrors(form, e) {
    errors = e;
    SG.$$('.error-text[id$="-error"]', form).forEach(function (p) {
      var field = p.id.replace(/-error$/, '');
      p.textContent = e[field] || '';
      var input = $('#' + field);
      if (input) {
        if (e[field]) { input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
      }
    });
    var keys = Object.keys(e);
    var box = $('.error-summary', form);
    box.hidden = !keys.length;
    box.textContent = keys.length ? 'Please fix ' + keys.length + (keys.length === 1 ? ' error' : ' errors') + ' before continuing.' : '';
    if (keys.length) {
      var first = $('#' + keys[0]);
      if (first) { first.focus(); }
    }
    return keys.length === 0;
  }

  /* ---------------------------------------------------------- validation */
  function checkAddress(v) {
    var e = {};
    if (!v.fullName) { e.fullName = 'Enter your full name'; }
    if (!v.email) { e.email = 'Enter your email address'; }
    else if (!EMAIL_RE.test(v.email)) { e.email = 'Enter a valid email address'; }
    if (!v.street) { e.street = 'Enter your street address'; }
    if (!v.city) { e.city = 'Enter your city'; }
    if (!v.postalCode) { e.postalCode = 'Enter your postal code'; }
    else if (!/^[A-Za-z0-9][A-Za-z0-9 -]{2,9}$/.test(v.postalCode)) { e.postalCode = 'Enter a valid postal code'; }
    return e;
  }
  function checkPayment(v) {
    var e = {};
    var num = digits(v.cardNumber);
    if (!v.cardName) { e.cardName = 'Enter the name on the card'; }
    if (!num) { e.cardNumber = 'Enter your card number'; }
    else if (num.length < 13 || num.length > 19 || !luhn(num)) { e.cardNumber = 'Enter a valid card number'; }
    var m = /^(\d{2})\/(\d{2})$/.exec(v.expiry || '');
    if (!v.expiry) { e.expiry = 'Enter the expiry date'; }
    else if (!m || +m[1] < 1 || +m[1] > 12) { e.expiry = 'Enter a valid expiry date (MM/YY)'; }
    else {
      var today = SG.parseISO(Shop.state.today);
      var exp = (2000 + +m[2]) * 12 + +m[1];
      if (exp < today.y * 12 + today.m) { e.expiry = 'This card has expired'; }
    }
    var cvcLen = /^3[47]/.test(num) ? 4 : 3;
    if (!v.cvc) { e.cvc = 'Enter the security code'; }
    else if (!new RegExp('^\\d{' + cvcLen + '}$').test(v.cvc)) { e.cvc = 'Enter the ' + cvcLen + '-digit security code'; }
    return e;
  }

  /* ------------------------------------------------------------- routing */
  function allowedStep(wanted) {
    var c = Shop.state.checkout;
    if (wanted === 'payment' || wanted === 'review') {
      if (!c.address || Object.keys(checkAddress(c.address)).length) { return 'address'; }
    }
    if (wanted === 'review') {
      if (!c.payment || Object.keys(checkPayment(c.payment)).length) { return 'payment'; }
    }
    return STEPS.indexOf(wanted) >= 0 ? wanted : 'address';
  }
  function go(target) {
    if (location.hash !== '#' + target) { location.hash = '#' + target; } else { route(); }
  }
  function route() {
    var wanted = location.hash.replace('#', '') || 'address';
    var allowed = allowedStep(wanted);
    if (allowed !== wanted) { location.replace('#' + allowed); return; }
    step = allowed;
    errors = {};
    SG.$$('.step-panel').forEach(function (f) { f.hidden = f.getAttribute('data-step') !== step; });
    SG.$$('#steps li').forEach(function (li, i) {
      var s = li.getAttribute('data-step');
      if (s === step) { li.setAttribute('aria-current', 'step'); } else { li.removeAttribute('aria-current'); }
      li.classList.toggle('done', i < STEPS.indexOf(step));
    });
    if (step === 'review') { renderReview(); }
    renderSummary();
    var form = $('.step-panel[data-step="' + step + '"]');
    var first = $('input:not([type="radio"]):not([type="checkbox"]), select', form);
    if (first && step !== 'review') { first.focus(); }
    window.scrollTo(0, 0);
  }

  /* ------------------------------------------------------------- render */
  function renderSummary() {
    $('#summary-items').innerHTML = Shop.cartLines().map(function (l) {
      return '<li><span>' + l.qty + ' × ' + SG.esc(l.name) + '</span><span>' + Shop.money(l.lineTotal) + '</span></li>';
    }).join('');
    $('#totals').innerHTML = Shop.totalsHTML();
  }
  function renderReview() {
    var a = Shop.state.checkout.address, p = Shop.state.checkout.payment;
    var num = digits(p.cardNumber);
    $('#review-address').innerHTML = SG.esc(a.fullName) + '<br>' + SG.esc(a.street) + '<br>' + SG.esc(a.postalCode) + ' ' +
      SG.esc(a.city) + '<br>' + SG.esc(a.country) + '<br><span class="muted">' + SG.esc(a.email) + ' · ' +
      SG.esc(Shop.SHIPPING[a.shipping].label) + '</span>';
    $('#review-payment').innerHTML = SG.esc(brand(num) || 'Card') + ' ending in ' + num.slice(-4) + '<br><span class="muted">Expires ' +
      SG.esc(p.expiry) + ' · ' + SG.esc(p.cardName) + '</span>';
    $('#review-items').innerHTML = Shop.cartLines().map(function (l) {
      return '<li data-testid="review-item">' + l.qty + ' × ' + SG.esc(l.name) + ' — ' + Shop.money(l.lineTotal) + '</li>';
    }).join('');
  }
  function fillForms() {
    var c = Shop.state.checkout;
    [[c.address, '#address-form'], [c.payment, '#payment-form']].forEach(function (pair) {
      if (!pair[0]) { return; }
      SG.$$('input[name], select[name]', $(pair[1])).forEach(function (el) {
        if (el.type === 'radio') { el.checked = pair[0][el.name] === el.value; }
        else if (pair[0][el.name] !== undefined) { el.value = pair[0][el.name]; }
      });
    });
    SG.$$('input[name="shipping"]').forEach(function (r) { r.checked = r.value === c.shipping; });
  }

  /* ------------------------------------------------------------- actions */
  function submitAddress(e) {
    e.preventDefault();
    var v = values(e.target);
    if (!showErrors(e.target, checkAddress(v))) { return; }
    Shop.state.checkout.address = v;
    Shop.state.checkout.shipping = v.shipping;
    Shop.save();
    go('payment');
  }
  function submitPayment(e) {
    e.preventDefault();
    var v = values(e.target);
    if (!showErrors(e.target, checkPayment(v))) { return; }
    Shop.state.checkout.payment = v;
    Shop.save();
    go('review');
  }
  function placeOrder(e) {
    e.preventDefault();
    if (placing) { return; }
    if (!$('#terms').checked) {
      showErrors(e.target, { terms: 'Please accept the terms and conditions' });
      return;
    }
    showErrors(e.target, {});
    placing = true;
    var btn = $('#place-order');
    btn.disabled = true;
    btn.textContent = 'Placing order…';
    SG.fetchJSON('/api/delay?ms=600&echo=order').then(function () {
      var s = Shop.state;
      var num = digits(s.checkout.payment.cardNumber);
      var order = {
        number: s.nextOrder++,
        date: s.today,
        items: Shop.cartLines(),
        totals: Shop.totals(),
        promo: s.promo,
        shipping: s.checkout.shipping,
        address: SG.clone(s.checkout.address),
        payment: { brand: brand(num) || 'Card', last4: num.slice(-4), expiry: s.checkout.payment.expiry }
      };
      s.orders.push(order);
      s.cart = [];
      s.promo = null;
      s.checkout.payment = null;
      Shop.save();
      SG.flash('Order #' + order.number + ' placed');
      location.href = 'confirmation.html?order=' + order.number;
    }).catch(function () {
      placing = false;
      btn.disabled = false;
      btn.textContent = 'Place order';
      SG.toast('Could not place the order, please try again', 'error');
    });
  }

  function wireFormatting() {
    var card = $('#cardNumber');
    card.addEventListener('input', function () {
      var caretDigits = digits(card.value.slice(0, card.selectionStart)).length;
      var num = digits(card.value).slice(0, 19);
      card.value = formatCard(num);
      var pos = 0, seen = 0;
      while (pos < card.value.length && seen < caretDigits) {
        if (/\d/.test(card.value[pos])) { seen++; }
        pos++;
      }
      card.setSelectionRange(pos, pos);
      $('#card-brand').textContent = brand(num);
    });
    var exp = $('#expiry');
    exp.addEventListener('input', function (e) {
      var d = digits(exp.value).slice(0, 4);
      if (e.inputType === 'deleteContentBackward' && exp.value.length === 2 && d.length === 2) { return; }
      exp.value = d.length > 2 ? d.slice(0, 2) + '/' + d.slice(2) : d;
    });
    $('#cvc').addEventListener('input', function () { this.value = digits(this.value).slice(0, 4); });
  }

  window.appState = function () {
    return Shop.snapshot({
      page: 'checkout',
      step: step,
      errors: Object.assign({}, errors),
      address: Shop.state ? SG.clone(Shop.state.checkout.address) : null,
      paymentEntered: !!(Shop.state && Shop.state.checkout.payment),
      placing: placing
    });
  };

  Shop.load().then(function () {
    if (!Shop.state.cart.length) {
      $('#checkout-body').hidden = true;
      $('#steps').hidden = true;
      $('#checkout-empty').hidden = false;
      document.body.setAttribute('data-ready', 'true');
      return;
    }
    fillForms();
    $('#address-form').addEventListener('submit', submitAddress);
    $('#payment-form').addEventListener('submit', submitPayment);
    $('#review-form').addEventListener('submit', placeOrder);
    SG.$$('[data-back]').forEach(function (b) {
      b.addEventListener('click', function () { go(b.getAttribute('data-back')); });
    });
    SG.$$('input[name="shipping"]').forEach(function (r) {
      r.addEventListener('change', function () { Shop.state.checkout.shipping = r.value; Shop.save(); renderSummary(); });
    });
    wireFormatting();
    window.addEventListener('hashchange', route);
    route();
    document.body.setAttribute('data-ready', 'true');
  });
})();
