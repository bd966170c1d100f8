/* CRM dashboard: key figures, a late-loading forecast widget, activity, follow-ups. */
(function () {
  'use strict';

  var $ = SG.$;
  var forecast = { status: 'loading', loads: 0 };

  function stat(label, value, tip, testid) {
    return '<div class="stat" data-testid="' + testid + '"><span class="stat-label">' + label +
      ' <span class="info" tabindex="0" role="img" aria-label="About ' + label + '" data-tip="' + SG.esc(tip) + '">' +
      SG.icon('info', 13) + '</span></span><strong class="stat-value">' + value + '</strong></div>';
  }

  function renderStats(s) {
    var by = {};
    s.contacts.forEach(function (c) { by[c.status] = (by[c.status] || 0) + 1; });
    var pipeline = s.contacts.filter(function (c) { return c.status === 'Lead' || c.status === 'Prospect'; })
      .reduce(function (sum, c) { return sum + c.value; }, 0);
    $('#stats').innerHTML =
      stat('Total contacts', s.contacts.length, 'All contacts in the CRM, any status', 'stat-total') +
      stat('Customers', by.Customer || 0, 'Contacts with status Customer', 'stat-customers') +
      stat('Open leads', (by.Lead || 0) + (by.Prospect || 0), 'Leads and prospects not yet won', 'stat-leads') +
      stat('Pipeline value', CRM.money(pipeline), 'Sum of deal values for leads and prospects', 'stat-pipeline');
  }

  function renderActivity(s) {
    $('#activity').innerHTML = s.activity.slice(0, 8).map(function (a) {
      return '<li><strong>' + SG.esc(a.who) + '</strong> ' + SG.esc(a.what) +
        '<span class="muted when">' + SG.esc(SG.formatDateTime(a.when)) + '</span></li>';
    }).join('');
  }

  function renderFollowUps(s) {
    var rows = s.contacts.filter(function (c) { return c.followUp; })
      .sort(function (a, b) { return a.followUp < b.followUp ? -1 : a.followUp > b.followUp ? 1 : 0; })
      .filter(function (c) { return c.followUp >= s.today; }).slice(0, 8);
    $('#followups').innerHTML = rows.map(function (c) {
      return '<tr><td><a href="contact.html?id=' + c.id + '">' + SG.esc(CRM.fullName(c)) + '</a></td><td>' +
        SG.esc(c.company) + '</td><td>' + CRM.statusBadge(c.status) + '</td><td>' + SG.formatDate(c.followUp) + '</td></tr>';
    }).join('') || '<tr><td colspan="4" class="muted">No follow-ups scheduled.</td></tr>';
  }

  function renderOwners(s) {
    var counts = {};
    s.contacts.forEach(function (c) { counts[c.owner] = (counts[c.owner] || 0) + 1; });
    var max = Math.max.apply(null, s.owners.map(function (o) { return counts[o] || 0; }).concat([1]));
    $('#owners').innerHTML = s.owners.map(function (o) {
      var n = counts[o] || 0;
      return '<div class="owner-row"><span>' + SG.esc(o) + '</span><span class="bar"><span style="width:' +
        Math.round(100 * n / max) + '%"></span></span><span class="num">' + n + '</span></div>';
    }).join('');
  }

  /** The forecast comes "from the server": a delayed API call, then numbers from state. */
  function loadForecast() {
    var widget = $('#forecast-widget');
    forecast.status = 'loading';
    widget.setAttribute('aria-busy', 'true');
    $('#forecast-body').innerHTML = '<p class="muted loading">Loading forecast…</p>';
    $('#refresh-forecast').disabled = true;
    SG.fetchJSON('/api/delay?ms=800&echo=forecast').then(function () {
      var s = CRM.state;
      var months = ['Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov'];
      var open = s.contacts.filter(function (c) { return c.status === 'Lead' || c.status === 'Prospect'; });
      var values = months.map(function (m, i) {
        return open.filter(function (c, j) { return j % months.length === i; })
          .reduce(function (sum, c) { return sum + c.value * (c.status === 'Prospect' ? 0.5 : 0.2); }, 0);
      });
      var max = Math.max.apply(null, values.concat([1]));
      forecast.loads += 1;
      forecast.status = 'loaded';
      forecast.values = values.map(Math.round);
      $('#forecast-body').innerHTML =
        '<div class="chart" role="img" aria-label="Forecast by month">' + months.map(function (m, i) {
          return '<div class="col" title="' + m + ': ' + CRM.money(values[i]) + '"><span class="val">' + CRM.money(values[i]) +
            '</span><span class="barv" style="height:' + Math.round(120 * values[i] / max) + 'px"></span><span>' + m + '</span></div>';
        }).join('') + '</div>' +
        '<p class="ok-text" data-testid="forecast-status">Forecast loaded: ' + CRM.money(values.reduce(function (a, b) { return a + b; }, 0)) +
        ' expected over 6 months</p>';
      widget.setAttribute('aria-busy', 'false');
      $('#refresh-forecast').disabled = false;
    }).catch(function (err) {
      forecast.status = 'error';
      $('#forecast-body').innerHTML = '<p class="error-text">Could not load the forecast (' + SG.esc(err.message) + ').</p>';
      widget.setAttribute('aria-busy', 'false');
      $('#refresh-forecast').disabled = false;
    });
  }

  window.appState = function () {
    return CRM.snapshot({ page: 'dashboard', forecast: SG.clone(forecast) });
  };

  CRM.requireLogin().then(function (s) {
    $('#welcome').textContent = 'Welcome back, ' + s.session.email + '.';
    renderStats(s);
    renderActivity(s);
    renderFollowUps(s);
    renderOwners(s);
    loadForecast();
    $('#refresh-forecast').addEventListener('click', loadForecast);
    document.body.setAttribute('data-ready', 'true');
  });
})();
