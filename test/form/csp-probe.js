// Loaded by the harness (with the page's nonce) right after dist/form.js when the page is opened with
// ?probe: tries, from page code and before the test driver evaluates anything (code run through the
// DevTools protocol, and scripts it adds, are exempt from the eval rule), what the CSP must forbid.
(() => {
  const attempt = (f) => {
    try {
      return String(f());
    } catch (e) {
      return e.name;
    }
  };
  const probe = { eval: attempt(() => eval('1 + 1')), function: attempt(() => new Function('return 2')()), inlineRan: false, handlerRan: false, timerRan: false };
  window.__probe = probe;
  window.__probeInline = () => (probe.inlineRan = true);
  const inline = document.createElement('script');
  inline.textContent = 'window.__probeInline()';
  document.head.append(inline);
  const holder = document.createElement('div');
  holder.innerHTML = '<img src="/dist/missing.png" onerror="window.__probe.handlerRan = true">';
  document.body.append(holder);
  try {
    setTimeout('window.__probe.timerRan = true', 0);
  } catch {
    /* blocked */
  }
})();
