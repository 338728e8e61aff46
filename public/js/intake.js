/*
 * Casebook: small enhancements of the entry and case forms. Every form works without this file;
 * it only saves keystrokes. Loaded with <script src> (the CSP allows no inline script).
 */
(function () {
  'use strict';

  // A refused form: put the cursor in the first field that needs fixing.
  var invalid = document.querySelector('main [aria-invalid="true"]');
  if (invalid && typeof invalid.focus === 'function') invalid.focus();

  // Enter in the customer search box searches (in place) instead of filing a half-typed entry.
  var search = document.getElementById('customerQ');
  if (search) {
    search.addEventListener('keydown', function (event) {
      if (event.key !== 'Enter') return;
      event.preventDefault();
      if (window.htmx) window.htmx.trigger(search, 'cb-search');
      else if (search.form) {
        var button = search.form.querySelector('button[value="search"]');
        if (button) button.click();
      }
    });
  }

  var options = document.getElementById('customer-options');
  var details = document.querySelector('details.new-customer');
  if (options && details) {
    // "New customer" chosen in the list: show the fields to type one.
    options.addEventListener('change', function (event) {
      var target = event.target;
      if (target && target.name === 'customerId' && target.value === '') details.open = true;
    });
    // A search answered after the user picked someone must not undo the pick.
    var picked = null;
    options.addEventListener('htmx:beforeSwap', function () {
      var checked = options.querySelector('input[name="customerId"]:checked');
      picked = checked ? checked.value : null;
    });
    options.addEventListener('htmx:afterSwap', function () {
      if (picked === null) return;
      var radios = options.querySelectorAll('input[name="customerId"]');
      for (var i = 0; i < radios.length; i++) if (radios[i].value === picked) radios[i].checked = true;
    });
    // Typing a new customer means not using one from the list.
    details.addEventListener('input', function () {
      var none = options.querySelector('input[name="customerId"][value=""]');
      if (none && !none.checked) none.checked = true;
    });
  }
})();
