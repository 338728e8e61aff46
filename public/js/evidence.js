/*
 * Casebook: the evidence upload with JavaScript — drag and drop onto the form, a progress bar
 * (XMLHttpRequest upload progress), the size checked before anything is sent. The form works
 * without this file (a multipart POST to the page route); with it, the file goes to the API with
 * the page's CSRF token in X-CSRF-Token, and the page reloads on success.
 */
(function () {
  'use strict';

  var form = document.querySelector('form.evidence-upload');
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var input = form.querySelector('input[type="file"]');
  var drop = form.querySelector('.evidence-drop');
  var progress = form.querySelector('.evidence-progress');
  var message = form.querySelector('.evidence-message');
  var button = form.querySelector('button[type="submit"]');
  var maxBytes = Number(form.getAttribute('data-max-bytes')) || 0;

  function say(text, isError) {
    message.textContent = text || '';
    message.classList.toggle('error', Boolean(isError));
  }

  function tooBig(file) {
    return maxBytes > 0 && file && file.size > maxBytes;
  }

  ['dragenter', 'dragover'].forEach(function (type) {
    drop.addEventListener(type, function (event) {
      event.preventDefault();
      drop.classList.add('dragover');
    });
  });
  ['dragleave', 'drop'].forEach(function (type) {
    drop.addEventListener(type, function () {
      drop.classList.remove('dragover');
    });
  });
  drop.addEventListener('drop', function (event) {
    event.preventDefault();
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) return;
    input.files = files;
    say(tooBig(files[0]) ? form.getAttribute('data-msg-too-large') : files[0].name, tooBig(files[0]));
  });
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    say(file && tooBig(file) ? form.getAttribute('data-msg-too-large') : '', Boolean(file && tooBig(file)));
  });

  /** The API answers problem+json: its field errors name what is wrong. */
  function problemText(xhr) {
    try {
      var p = JSON.parse(xhr.responseText);
      if (p.errors && p.errors.length) return p.errors.map(function (e) { return e.message; }).join(' ');
      if (p.detail) return p.detail;
    } catch {
      /* the generic message below */
    }
    return form.getAttribute('data-msg-failed');
  }

  form.addEventListener('submit', function (event) {
    var file = input.files && input.files[0];
    if (!file) return; // the browser's own "required" message, or the page route's
    event.preventDefault();
    if (tooBig(file)) return say(form.getAttribute('data-msg-too-large'), true);
    var data = new FormData();
    data.append('file', file, file.name);
    data.append('description', form.elements.description.value);
    if (form.elements.sourceDepartment.value) data.append('sourceDepartment', form.elements.sourceDepartment.value);
    var collected = form.elements.collectedAt.value;
    if (collected) {
      var at = new Date(collected);
      if (!isNaN(at.getTime())) data.append('collectedAt', at.toISOString());
    }
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('data-api'));
    xhr.setRequestHeader('X-CSRF-Token', form.elements._csrf.value);
    xhr.setRequestHeader('Accept', 'application/json');
    progress.hidden = false;
    progress.value = 0;
    button.disabled = true;
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var percent = Math.round((e.loaded / e.total) * 100);
      progress.value = percent;
      say(form.getAttribute('data-msg-uploading').replace('{percent}', String(percent)));
      if (percent === 100) say(form.getAttribute('data-msg-processing'));
    });
    xhr.addEventListener('load', function () {
      button.disabled = false;
      if (xhr.status === 201) {
        window.location.hash = 'evidence';
        window.location.reload();
        return;
      }
      progress.hidden = true;
      say(problemText(xhr), true);
    });
    xhr.addEventListener('error', function () {
      button.disabled = false;
      progress.hidden = true;
      say(form.getAttribute('data-msg-failed'), true);
    });
    xhr.send(data);
  });
})();
