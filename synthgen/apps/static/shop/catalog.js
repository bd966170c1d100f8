/* Shop catalogue: category checkboxes, price filters, search, sort, add to cart. */
(function () {
  'use strict';

  var $ = SG.$;
  var FILTER_KEY = 'synthgen:shop:filters';
  var f = { categories: [], min: '', max: '', limit: 200, inStock: false, query: '', sort: 'featured' };
  var visible = [];

  function loadFilters() {
    try { Object.assign(f, JSON.parse(sessionStorage.getItem(FILTER_KEY) || '{}')); } catch (e) { /* defaults */ }
  }
  function saveFilters() { sessionStorage.setItem(FILTER_KEY, JSON.stringify(f)); }

  function matches(p) {
    if (f.categories.length && f.categories.indexOf(p.category) < 0) { return false; }
    if (f.min !== '' && p.price < Number(f.min)) { return false; }
    if (f.max !== '' && p.price > Number(f.max)) { return false; }
    if (f.limit < 200 && p.price > f.limit) { return false; }
    if (f.inStock && p.stock <= 0) { return false; }
    if (f.query) {
      var hay = (p.name + ' ' + p.category + ' ' + p.color + ' ' + p.description).toLowerCase();
      return f.query.toLowerCase().split(/\s+/).every(function (w) { return hay.indexOf(w) >= 0; });
    }
    return true;
  }
  function sorted(list) {
    var cmp = {
      'price-asc': function (a, b) { return a.price - b.price; },
      'price-desc': function (a, b) { return b.price - a.price; },
      name: function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; },
      rating: function (a, b) { return b.rating - a.rating; }
    }[f.sort];
    return cmp ? list.slice().sort(function (a, b) { return cmp(a, b) || (idn(a) - idn(b)); }) : list;
  }
  function idn(p) { return parseInt(p.id.slice(1), 10); }

  function card(p) {
    var out = p.stock <= 0;
    return '<article class="product product-card" data-testid="product-card" data-id="' + p.id + '">' +
      '<a class="thumb" href="product.html?id=' + p.id + '" style="background:' + Shop.tint(p) + '" tabindex="-1" aria-hidden="true">' +
      '<img src="' + Shop.image(p) + '" alt="" width="96" height="96"></a>' +
      '<div class="card-body">' +
      '<span class="cat">' + SG.esc(p.category) + '</span>' +
      '<h3><a href="product.html?id=' + p.id + '">' + SG.esc(p.name) + '</a></h3>' +
      '<div class="rating" title="Rated ' + p.rating + ' out of 5 by ' + p.reviews + ' customers">' + Shop.stars(p.rating) +
      ' <span class="muted">' + p.rating + ' (' + p.reviews + ')</span></div>' +
      '<div class="price-line"><strong class="price">' + Shop.money(p.price) + '</strong>' +
      (out ? '<span class="badge red">Out of stock</span>' : (p.stock < 5 ? '<span class="badge amber">Only ' + p.stock + ' left</span>' : '')) +
      '</div>' +
      '<button type="button" class="btn primary small add" data-add="' + p.id + '" aria-label="Add ' + SG.esc(p.name) + ' to cart"' +
      (out ? ' disabled title="Out of stock"' : ' title="Add one to your cart"') + '>Add to cart</button>' +
      '</div></article>';
  }

  function render() {
    var list = sorted(Shop.state.products.filter(matches));
    visible = list.map(function (p) { return p.id; });
    $('#grid').innerHTML = list.map(card).join('');
    $('#no-results').hidden = list.length > 0;
    $('#result-count').textContent = 'Showing ' + list.length + ' of ' + Shop.state.products.length + ' products';
    var title = f.categories.length === 1 ? f.categories[0] : 'All products';
    $('h1').textContent = f.query ? 'Results for “' + f.query + '”' : title;
    $('#price-range-value').textContent = f.limit >= 200 ? 'Any' : '$' + f.limit;
    saveFilters();
  }

  function syncInputs() {
    SG.$$('#category-filters input').forEach(function (b) { b.checked = f.categories.indexOf(b.value) >= 0; });
    $('#min-price').value = f.min;
    $('#max-price').value = f.max;
    $('#price-range').value = f.limit;
    $('#in-stock').checked = f.inStock;
    $('#search').value = f.query;
    $('#sort').value = f.sort;
  }
  function clearFilters() {
    f = { categories: [], min: '', max: '', limit: 200, inStock: false, query: '', sort: f.sort };
    syncInputs();
    render();
  }

  function wire() {
    var counts = {};
    Shop.state.products.forEach(function (p) { counts[p.category] = (counts[p.category] || 0) + 1; });
    $('#category-filters').innerHTML = Shop.state.categories.map(function (c, i) {
      return '<label class="choice block" for="cat-' + i + '"><input type="checkbox" id="cat-' + i + '" value="' + SG.esc(c) + '"> ' +
        SG.esc(c) + ' <span class="muted">(' + counts[c] + ')</span></label>';
    }).join('');
    $('#category-filters').addEventListener('change', function () {
      f.categories = SG.$$('#category-filters input:checked').map(function (b) { return b.value; });
      render();
    });
    $('#min-price').addEventListener('input', function () { f.min = this.value; render(); });
    $('#max-price').addEventListener('input', function () { f.max = this.value; render(); });
    $('#price-range').addEventListener('input', function () { f.limit = Number(this.value); render(); });
    $('#in-stock').addEventListener('change', function () { f.inStock = this.checked; render(); });
    $('#search').addEventListener('input', SG.debounce(function () { f.query = $('#search').value.trim(); render(); }, 150));
    $('#sort').addEventListener('change', function () { f.sort = this.value; render(); });
    $('#clear-filters').addEventListener('click', clearFilters);
    $('#reset-link').addEventListener('click', clearFilters);
    $('#grid').addEventListener('click', function (e) {
      var b = e.target.closest('[data-add]');
      if (!b) { return; }
      var p = Shop.product(b.getAttribute('data-add'));
      if (Shop.addToCart(p.id, 1)) { SG.toast('Added to cart'); }
    });
  }

  window.appState = function () {
    return Shop.snapshot({ page: 'catalogue', filters: SG.clone(f), visibleProductIds: visible.slice() });
  };

  Shop.load().then(function () {
    loadFilters();
    var cat = SG.query('category');
    if (cat) { f.categories = [cat]; }
    wire();
    syncInputs();
    render();
    document.body.setAttribute('data-ready', 'true');
  });
})();
