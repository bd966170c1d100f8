/* Shop order confirmation: confirmation.html?order=1001 */
(function () {
  'use strict';

  var $ = SG.$;
  var order = null;

  window.appState = function () {
    return Shop.snapshot({ page: 'confirmation', orderNumber: order ? order.number : null });
  };

  Shop.load().then(function (s) {
    var n = parseInt(SG.query('order') || '', 10);
    order = s.orders.filter(function (o) { return o.number === n; })[0] || null;
    if (!order) {
      $('#confirm-title').textContent = 'Order not found';
      $('#confirm-body').innerHTML = '<p>We could not find that order.</p>';
    } else {
      document.title = 'Shop — Order #' + order.number;
      $('#confirm-title').textContent = 'Order #' + order.number + ' placed';
      $('#confirm-body').innerHTML =
        '<p data-testid="confirmation-text">Thank you, ' + SG.esc(order.address.fullName) + '! A confirmation was sent to ' +
        SG.esc(order.address.email) + '.</p>' +
        '<table class="data"><thead><tr><th scope="col">Item</th><th scope="col">Qty</th><th scope="col">Total</th></tr></thead><tbody>' +
        order.items.map(function (l) {
          return '<tr><td>' + SG.esc(l.name) + '</td><td>' + l.qty + '</td><td>' + Shop.money(l.lineTotal) + '</td></tr>';
        }).join('') + '</tbody></table>' +
        '<p class="order-total">Total paid: <strong data-testid="order-total">' + Shop.money(order.totals.total) + '</strong> with ' +
        SG.esc(order.payment.brand) + ' ending in ' + SG.esc(order.payment.last4) + '</p>' +
        '<p class="muted">Shipping to ' + SG.esc(order.address.street) + ', ' + SG.esc(order.address.city) + ', ' +
        SG.esc(order.address.country) + ' (' + SG.esc(Shop.SHIPPING[order.shipping].label) + ').</p>';
    }
    document.body.setAttribute('data-ready', 'true');
  });
})();
