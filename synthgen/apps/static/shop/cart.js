/* Shop cart page: quantities, remove, promo code, totals. */
(function () {
  'use strict';

  var $ = SG.$;

  function render() {
    var lines = Shop.cartLines();
    $('#cart-empty').hidden = lines.length > 0;
    $('#cart-full').hidden = lines.length === 0;
    $('#cart-rows').innerHTML = lines.map(function (l) {
      var p = Shop.product(l.id);
      var name = SG.esc(l.name);
      return '<tr data-testid="cart-row" data-id="' + l.id + '">' +
        '<td><div class="cart-prod"><span class="mini" style="background:' + Shop.tint(p) + '"><img src="' + Shop.image(p) +
        '" alt="" width="36" height="36"></span><a href="product.html?id=' + l.id + '">' + name + '</a></div></td>' +
        '<td>' + Shop.money(l.price) + '</td>' +
        '<td><div class="qty">' +
        '<button type="button" class="btn icon small" data-dec="' + l.id + '" aria-label="Decrease quantity of ' + name + '" title="One less">−</button>' +
        '<input type="number" min="0" max="10" value="' + l.qty + '" data-qty="' + l.id + '" aria-label="Quantity of ' + name + '">' +
        '<button type="button" class="btn icon small" data-inc="' + l.id + '" aria-label="Increase quantity of ' + name + '" title="One more">+</button>' +
        '</div></td>' +
        '<td data-testid="line-total">' + Shop.money(l.lineTotal) + '</td>' +
        '<td><button type="button" class="btn small" data-remove="' + l.id + '" aria-label="Remove ' + name + '" data-tip="Remove from cart">' +
        SG.icon('trash', 14) + '</button></td></tr>';
    }).join('');
    $('#totals').innerHTML = Shop.totalsHTML();
  }

  function qtyOf(id) {
    var item = Shop.state.cart.filter(function (i) { return i.id === id; })[0];
    return item ? item.qty : 0;
  }

  function wire() {
    $('#cart-rows').addEventListener('click', function (e) {
      var b = e.target.closest('button');
      if (!b) { return; }
      var id;
      if ((id = b.getAttribute('data-dec'))) { Shop.setQty(id, qtyOf(id) - 1); }
      else if ((id = b.getAttribute('data-inc'))) { Shop.setQty(id, qtyOf(id) + 1); }
      else if ((id = b.getAttribute('data-remove'))) {
        Shop.setQty(id, 0);
        SG.toast('Removed from cart', 'info');
      } else { return; }
      render();
      var again = id && $('[data-testid="cart-row"][data-id="' + id + '"] button[' + (b.hasAttribute('data-dec') ? 'data-dec' : 'data-inc') + ']');
      if (again && !b.hasAttribute('data-remove')) { again.focus(); }
    });
    $('#cart-rows').addEventListener('change', function (e) {
      var id = e.target.getAttribute('data-qty');
      if (!id) { return; }
      Shop.setQty(id, Number(e.target.value));
      render();
    });
    $('#promo-form').addEventListener('submit', function (e) {
      e.preventDefault();
      var code = $('#promo').value.trim().toUpperCase();
      var msg = $('#promo-msg');
      if (!code) {
        msg.className = 'promo-msg error-text';
        msg.textContent = 'Enter a promo code';
      } else if (Shop.PROMOS[code]) {
        Shop.state.promo = code;
        Shop.save();
        msg.className = 'promo-msg ok-text';
        msg.textContent = 'Promo code applied: ' + Shop.PROMOS[code].label;
        render();
      } else {
        msg.className = 'promo-msg error-text';
        msg.textContent = 'That promo code is not valid';
      }
    });
  }

  window.appState = function () { return Shop.snapshot({ page: 'cart' }); };

  Shop.load().then(function () {
    if (Shop.state.promo) {
      $('#promo').value = Shop.state.promo;
      $('#promo-msg').className = 'promo-msg ok-text';
      $('#promo-msg').textContent = 'Promo code applied: ' + Shop.PROMOS[Shop.state.promo].label;
    }
    wire();
    render();
    document.body.setAttribute('data-ready', 'true');
  });
})();
