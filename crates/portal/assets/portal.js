// dulieu portal: progressive enhancement only; every form works without this script.
//
// Upload forms (`form[data-upload]`) are sent with XMLHttpRequest so that their `<progress>` bar
// and the percentage beside it (an aria-live region) show how far the upload is. The server
// answers as it does without JavaScript (a redirect to the edit page with a message); the regions
// of that page marked `data-swap` (the file list, the messages) replace the ones shown, and the
// bar stays at 100 %.
(function () {
  'use strict';

  if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) return;

  // Shows `percent` on the bar; the text (read by screen readers) moves in steps of 10.
  function showProgress(box, percent) {
    var bar = box.querySelector('progress');
    var text = box.querySelector('[data-percent]');
    box.hidden = false;
    bar.value = percent;
    var step = percent === 100 ? 100 : Math.floor(percent / 10) * 10;
    if (text.getAttribute('data-step') !== String(step)) {
      text.setAttribute('data-step', String(step));
      text.textContent = text.getAttribute('data-template').replace('{percent}', String(step));
    }
  }

  // Gives every `data-swap` region of this page the content of its twin (same id) in `doc`
  // (the regions themselves stay, so live regions announce the change); false when `doc` has
  // none (another page: sign-in, an error).
  function swapRegions(doc) {
    var fresh = doc ? doc.querySelectorAll('[data-swap][id]') : [];
    if (!fresh.length) return false;
    Array.prototype.forEach.call(fresh, function (node) {
      var old = document.getElementById(node.id);
      if (!old) return;
      var children = Array.prototype.map.call(node.childNodes, function (child) {
        return document.importNode(child, true);
      });
      old.replaceChildren.apply(old, children);
    });
    return true;
  }

  function enhance(form) {
    var box = form.querySelector('[data-progress]');
    var file = form.querySelector('input[type=file]');
    if (!box || !file) return;
    form.addEventListener('submit', function (event) {
      // Without a chosen file the server's own answer says what is missing.
      if (!file.files || !file.files.length) return;
      event.preventDefault();
      var button = form.querySelector('button[type=submit]');
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable && e.total > 0) {
          showProgress(box, Math.min(99, Math.floor((e.loaded * 100) / e.total)));
        }
      };
      xhr.onload = function () {
        var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
        if (swapRegions(doc)) {
          // A refused file leaves a message in the form: the bar goes, the message stays.
          var problem = form.querySelector('[data-problem]');
          if (problem && problem.textContent.trim()) box.hidden = true;
          else showProgress(box, 100);
          form.reset();
          if (button) button.disabled = false;
          return;
        }
        // Not the edit page: show what the server answered.
        if (xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL);
        } else {
          document.replaceChild(document.importNode(doc.documentElement, true), document.documentElement);
        }
      };
      xhr.onerror = function () {
        var text = box.querySelector('[data-percent]');
        text.removeAttribute('data-step');
        text.textContent = text.getAttribute('data-failed');
        if (button) button.disabled = false;
      };
      if (button) button.disabled = true;
      showProgress(box, 0);
      xhr.send(new FormData(form));
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('form[data-upload]'), enhance);
})();
