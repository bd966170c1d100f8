/* Shop product page: product.html?id=p12 */
(function () {
  'use strict';

  var $ = SG.$;
  var product = null;
  var activeTab = 'description';

  var REVIEWERS = ['Sam', 'Jordan', 'Riley', 'Taylor', 'Casey', 'Morgan', 'Jamie', 'Robin'];
  var REVIEW_TEXT = [
    'Exactly as described and arrived quickly.',
    'Good value for the price. Would buy again.',
    'Solid quality, though the colour is slightly darker than in the photo.',
    'My second one — the first lasted years.',
    'Nice, but the packaging could use less plastic.',
    'Great gift, everyone loved it.'
  ];

  function reviews(p) {
    var n = 3 + (parseInt(p.id.slice(1), 10) % 3);
    var out = [];
    for (var i = 0; i < n; i++) {
      var k = parseInt(p.id.slice(1), 10) + i * 5;
      out.push({
        who: REVIEWERS[k % REVIEWERS.length],
        stars: 3 + (k % 3),
        text: REVIEW_TEXT[k % REVIEW_TEXT.length],
        date: '2024-0' + (1 + (k % 4)) + '-' + SG.pad(1 + (k * 3) % 27)
      });
    }
    return out;
  }

  function qty() {
    var q = Math.floor(Number($('#qty').value));
    return isNaN(q) ? 1 : Math.max(1, Math.min(10, q));
  }

  function render(p) {
    document.title = 'Shop — ' + p.name;
    $('#crumb-category').textContent = p.category;
    $('#crumb-category').href = 'index.html?category=' + encodeURIComponent(p.category);
    $('#crumb-name').textContent = p.name;
    $('#product-image').style.background = Shop.tint(p);
    $('#product-image').innerHTML = '<img src="' + Shop.image(p) + '" alt="' + SG.esc(p.name) + '" width="220" height="220">';
    $('#p-category').textContent = p.category;
    $('#p-name').textContent = p.name;
    $('#p-rating').innerHTML = Shop.stars(p.rating) + ' <span class="muted">' + p.rating + ' out of 5 · ' + p.reviews + ' reviews</span>';
    $('#p-price').textContent = Shop.money(p.price);
    var out = p.stock <= 0;
    $('#p-stock').innerHTML = out ? '<span class="badge red">Out of stock</span>'
      : '<span class="badge green">In stock</span> <span class="muted">' + p.stock + ' available</span>';
    $('#add').disabled = out;
    $('#buy-now').disabled = out;
    $('#panel-description').innerHTML = '<p>' + SG.esc(p.description) + '</p><ul>' +
      p.features.map(function (x) { return '<li>' + SG.esc(x) + '</li>'; }).join('') + '</ul>';
    $('#panel-specs').innerHTML = '<table class="data specs"><tbody>' +
      [['Category', p.category], ['Colour', p.color], ['Product code', p.id.toUpperCase()],
        ['Warranty', '2 years'], ['Rating', p.rating + ' / 5']].map(function (r) {
        return '<tr><th scope="row">' + r[0] + '</th><td>' + SG.esc(r[1]) + '</td></tr>';
      }).join('') + '</tbody></table>';
    $('#panel-reviews').innerHTML = reviews(p).map(function (r) {
      return '<article class="review"><strong>' + r.who + '</strong> ' + Shop.stars(r.stars) +
        ' <span class="muted">' + SG.formatDate(r.date) + '</span><p>' + SG.esc(r.text) + '</p></article>';
    }).join('');
    var related = Shop.state.products.filter(function (x) { return x.category === p.category && x.id !== p.id; }).slice(0, 4);
    $('#related').innerHTML = related.map(function (x) {
      return '<article class="product-card" data-testid="related-product"><a class="thumb" href="product.html?id=' + x.id +
        '" style="background:' + Shop.tint(x) + '" tabindex="-1" aria-hidden="true"><img src="' + Shop.image(x) + '" alt="" width="64" height="64"></a>' +
        '<div class="card-body"><h3><a href="product.html?id=' + x.id + '">' + SG.esc(x.name) + '</a></h3>' +
        '<strong class="price">' + Shop.money(x.price) + '</strong></div></article>';
    }).join('');
    $('#product').hidden = false;
    $('#tabs-section').hidden = false;
    $('#related-section').hidden = false;
  }

  function selectTab(name) {
    activeTab = name;
    SG.$$('[role="tab"]').forEach(function (t) {
      var on = t.id === 'tab-' + name;
      t.setAttribute('aria-selected', on ? 'true' : 'false');
      t.tabIndex = on ? 0 : -1;
      $('#' + t.getAttribute('aria-controls')).hidden = !on;
    });
  }

  function wire() {
    $('#qty-dec').addEventListener('click', function () { $('#qty').value = Math.max(1, qty() - 1); });
    $('#qty-inc').addEventListener('click', function () { $('#qty').value = Math.min(10, qty() + 1); });
    $('#qty').addEventListener('change', function () { this.value = qty(); });
    $('#add').addEventListener('click', function () {
      var n = qty();
      if (Shop.addToCart(product.id, n)) { SG.toast(n === 1 ? 'Added to cart' : 'Added ' + n + ' to cart'); }
    });
    $('#buy-now').addEventListener('click', function () {
      if (Shop.addToCart(product.id, qty())) {
        SG.flash('Added to cart');
        location.href = 'cart.html';
      }
    });
    var tabs = SG.$$('[role="tab"]');
    tabs.forEach(function (t, i) {
      t.addEventListener('click', function () { selectTab(t.id.slice(4)); });
      t.addEventListener('keydown', function (e) {
        var j = e.key === 'ArrowRight' ? (i + 1) % tabs.length : e.key === 'ArrowLeft' ? (i - 1 + tabs.length) % tabs.length : -1;
        if (j >= 0) { e.preventDefault(); selectTab(tabs[j].id.slice(4)); tabs[j].focus(); }
      });
    });
  }

  window.appState = function () {
    return Shop.snapshot({ page: 'product', productId: product ? product.id : null, quantity: product ? qty() : null, tab: activeTab });
  };

  Shop.load().then(function () {
    product = Shop.product(SG.query('id') || '');
    if (!product) {
      $('#not-found').hidden = false;
    } else {
      render(product);
      wire();
    }
    document.body.setAttribute('data-ready', 'true');
  });
})();
