/* Chaos page: triggers for dialogs, beforeunload, popups, errors, hangs,
 * slow requests and late / never-visible content. */
(function () {
  'use strict';

  var $ = SG.$;
  var LATE_MS = 3000;
  var st = { results: [], beforeunloadArmed: false, lateContentShown: false, clicks: 0, popupOpened: false };

  function result(text) {
    st.results.push(text);
    $('#result').textContent = text;
  }
  function onBeforeUnload(e) {
    e.preventDefault();
    e.returnValue = 'You have unsaved changes.';   // needed by some engines
    return e.returnValue;
  }
  function on(id, fn) { $('#' + id).addEventListener('click', fn); }

  on('show-alert', function () {
    window.alert('Hello from the chaos page');
    result('Alert closed');
  });
  on('show-confirm', function () {
    var ok = window.confirm('Do you want to continue?');
    result('Confirm returned ' + ok);
  });
  on('show-prompt', function () {
    var v = window.prompt('What is your name?', 'Ada');
    result(v === null ? 'Prompt cancelled' : 'Prompt returned: ' + v);
  });
  on('arm-beforeunload', function () {
    st.beforeunloadArmed = !st.beforeunloadArmed;
    if (st.beforeunloadArmed) { window.addEventListener('beforeunload', onBeforeUnload); }
    else { window.removeEventListener('beforeunload', onBeforeUnload); }
    this.setAttribute('aria-pressed', String(st.beforeunloadArmed));
    this.textContent = st.beforeunloadArmed ? 'Disarm leave warning' : 'Arm leave warning';
    result(st.beforeunloadArmed ? 'Leave warning armed' : 'Leave warning disarmed');
  });
  on('navigate-away', function () { location.href = 'other.html?from=button'; });
  on('open-popup', function () {
    var w = window.open('popup.html', 'chaos-popup', 'width=480,height=360');
    st.popupOpened = !!w;
    result(w ? 'Popup opened' : 'Popup was blocked');
  });
  on('throw-error', function () {
    result('Throwing an uncaught error');
    throw new Error('Chaos: deliberate uncaught error');
  });
  on('reject-promise', function () {
    result('Rejecting a promise');
    Promise.reject(new Error('Chaos: deliberate unhandled rejection'));
  });
  on('console-error', function () {
    console.error('Chaos: deliberate console error');
    result('Console error logged');
  });
  on('busy-5s', function () {
    var until = performance.now() + 5000;
    while (performance.now() < until) { /* block the main thread */ }
    result('Blocked the page for 5 seconds');
  });
  on('freeze', function () {
    result('Freezing…');
    for (;;) { /* never returns: hangs the main thread for good */ }
  });
  on('slow-request', function () {
    result('Slow request started');
    SG.fetchJSON('/api/delay?ms=5000&echo=slow').then(function () { result('Slow request finished'); },
      function (e) { result('Slow request failed: ' + e.message); });
  });
  on('hung-request', function () {
    result('Request that never answers started');
    fetch('/api/hang').then(function () { result('Hung request ended'); }, function () { result('Hung request failed'); });
  });
  on('click-counter', function () {
    st.clicks += 1;
    $('#click-count').textContent = 'Clicked ' + st.clicks + (st.clicks === 1 ? ' time' : ' times');
  });

  setTimeout(function () {
    $('#late-slot').innerHTML = '<div class="late" data-testid="late-content"><strong>Late content loaded</strong> ' +
      '<button type="button" class="btn small" id="late-button" data-testid="late-button">Late button</button></div>';
    $('#late-button').addEventListener('click', function () { result('Late button clicked'); });
    st.lateContentShown = true;
  }, LATE_MS);

  window.appState = function () {
    return {
      app: 'chaos', ready: true, toasts: SG.toasts.slice(),
      results: st.results.slice(), lastResult: st.results[st.results.length - 1] || null,
      beforeunloadArmed: st.beforeunloadArmed, lateContentShown: st.lateContentShown,
      clicks: st.clicks, popupOpened: st.popupOpened
    };
  };
  document.body.setAttribute('data-ready', 'true');
})();
