/* Shop state shared by every shop page (localStorage "synthgen:shop", seeded
 * from data/products.json): products, cart, promo code, checkout data, orders. */
(function () {
  'use strict';

  var VERSION = 1;
  var TAX_RATE = 0.08;
  var PROMOS = {
    SAVE10: { label: '10% off your order', percent: 10 },
    FREESHIP: { label: 'Free standard shipping', freeShipping: true }
  };
  var SHIPPING = {
    standard: { label: 'Standard (3–5 days)', price: 4.99, freeOver: 50 },
    express: { label: 'Express (1–2 days)', price: 12 }
  };
  var CATEGORY_COLORS = {
    Electronics: '#dbe8ff', Home: '#fde7d3', Books: '#e7e0fb', Clothing: '#dff3e6', Sports: '#fff1c7', Toys: '#fde0e6'
  };

  var Shop = { state: null, PROMOS: PROMOS, SHIPPING: SHIPPING };

  Shop.load = function () {
    return SG.loadState('shop', VERSION, function () {
      return SG.fetchJSON('data/products.json').then(function (data) {
        return {
          today: data.today,
          categories: data.categories,
          products: data.products,
          cart: [],
          promo: null,
          checkout: { address: null, payment: null, shipping: 'standard' },
          orders: [],
          nextOrder: 1001
        };
      });
    }).then(function (s) {
      Shop.state = s;
      Shop.renderCartBadge();
      return s;
    });
  };
  Shop.save = function () { SG.saveState('shop', Shop.state); Shop.renderCartBadge(); };

  Shop.product = function (id) {
    return Shop.state.products.filter(function (p) { return p.id === id; })[0] || null;
  };
  Shop.money = function (n) {
    var cents = Math.round(n * 100);
    var s = String(Math.floor(Math.abs(cents) / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (cents < 0 ? '-' : '') + '$' + s + '.' + SG.pad(Math.abs(cents) % 100);
  };
  Shop.round = function (n) { return Math.round(n * 100) / 100; };
  Shop.image = function (p) { return 'img/' + p.category.toLowerCase() + '.svg'; };
  Shop.tint = function (p) { return CATEGORY_COLORS[p.category] || '#eef1f6'; };
  Shop.stars = function (rating) {
    var full = Math.round(rating);
    return '<span class="stars" aria-hidden="true">' + '★★★★★'.slice(0, full) +
      '<span class="off">' + '★★★★★'.slice(0, 5 - full) + '</span></span>';
  };

  /* ----------------------------------------------------------------- cart */
  Shop.cartCount = function () {
    return Shop.state.cart.reduce(function (n, item) { return n + item.qty; }, 0);
  };
  Shop.addToCart = function (id, qty) {
    var p = Shop.product(id);
    if (!p || p.stock <= 0) { return false; }
    var item = Shop.state.cart.filter(function (i) { return i.id === id; })[0];
    if (item) { item.qty = Math.min(item.qty + qty, 10); } else { Shop.state.cart.push({ id: id, qty: Math.min(qty, 10) }); }
    Shop.save();
    return true;
  };
  Shop.setQty = function (id, qty) {
    qty = Math.max(0, Math.min(10, Math.floor(qty) || 0));
    Shop.state.cart = Shop.state.cart.filter(function (i) {
      if (i.id === id) { i.qty = qty; }
      return i.qty > 0;
    });
    Shop.save();
  };
  Shop.totals = function () {
    var s = Shop.state;
    var subtotal = s.cart.reduce(function (sum, i) { return sum + Shop.product(i.id).price * i.qty; }, 0);
    var promo = s.promo ? PROMOS[s.promo] : null;
    var discount = promo && promo.percent ? subtotal * promo.percent / 100 : 0;
    var method = SHIPPING[s.checkout.shipping] || SHIPPING.standard;
    var shipping = method.price;
    if (!s.cart.length) { shipping = 0; }
    else if (method.freeOver && subtotal - discount >= method.freeOver) { shipping = 0; }
    else if (promo && promo.freeShipping && s.checkout.shipping === 'standard') { shipping = 0; }
    var tax = (subtotal - discount) * TAX_RATE;
    return {
      subtotal: Shop.round(subtotal), discount: Shop.round(discount), shipping: Shop.round(shipping),
      tax: Shop.round(tax), total: Shop.round(subtotal - discount + shipping + tax)
    };
  };
  Shop.cartLines = function () {
    return Shop.state.cart.map(function (i) {
      var p = Shop.product(i.id);
      return { id: i.id, name: p.name, price: p.price, qty: i.qty, lineTotal: Shop.round(p.price * i.qty) };
    });
  };
  /** <dt>/<dd> pairs for the order summary box. */
  Shop.totalsHTML = function () {
    var t = Shop.totals();
    var promo = Shop.state.promo;
    return '<dt>Subtotal</dt><dd data-testid="subtotal">' + Shop.money(t.subtotal) + '</dd>' +
      (t.discount ? '<dt>Discount (' + promo + ')</dt><dd data-testid="discount">−' + Shop.money(t.discount) + '</dd>' : '') +
      '<dt>Shipping</dt><dd data-testid="shipping">' + (t.shipping ? Shop.money(t.shipping) : 'Free') + '</dd>' +
      '<dt>Tax (8%)</dt><dd>' + Shop.money(t.tax) + '</dd>' +
      '<dt class="total">Total</dt><dd class="total" data-testid="cart-total">' + Shop.money(t.total) + '</dd>';
  };
  Shop.renderCartBadge = function () {
    var el = document.querySelector('[data-testid="cart-count"]');
    if (el && Shop.state) {
      var n = Shop.cartCount();
      el.textContent = n;
      el.closest('a').setAttribute('aria-label', 'Cart, ' + n + (n === 1 ? ' item' : ' items'));
    }
  };

  Shop.snapshot = function (extra) {
    var s = Shop.state;
    var base = { app: 'shop', ready: !!s, toasts: SG.toasts.slice() };
    if (!s) { return Object.assign(base, extra || {}); }
    return Object.assign(base, {
      cart: Shop.cartLines(),
      cartCount: Shop.cartCount(),
      totals: Shop.totals(),
      promo: s.promo,
      shippingMethod: s.checkout.shipping,
      orders: SG.clone(s.orders),
      lastOrder: s.orders.length ? SG.clone(s.orders[s.orders.length - 1]) : null
    }, extra || {});
  };

  window.Shop = Shop;
})();
