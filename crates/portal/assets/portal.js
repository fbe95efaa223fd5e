// dulieu portal: progressive enhancement only; every form works without this script.
//
// Three enhancements: upload progress (below), search suggestions, and links that fill in an
// input (at the end).
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

// Search suggestions (`form[data-suggest]`): as a visitor types, datasets, organizations and
// keywords matching the text are offered in a listbox under the search box (the ARIA 1.2
// combobox pattern: arrow keys move through them, Enter opens one, Escape closes the list).
// Without this script the form searches as usual.
(function () {
  'use strict';

  if (!window.fetch || !window.URLSearchParams) return;

  var MIN_CHARS = 2;
  var DELAY_MS = 150;
  var counter = 0;

  // `text` in the page's language, falling back to the other one.
  function pick(text, lang) {
    if (!text) return '';
    return text[lang] || text.vi || text.en || '';
  }

  function enhance(form) {
    var input = form.querySelector('input[name=q]');
    if (!input) return;
    var lang = form.getAttribute('data-lang') || 'vi';
    var prefix = form.getAttribute('data-prefix') || '';
    var id = 'suggest-' + (++counter);
    var list = document.createElement('ul');
    list.id = id;
    list.className = 'suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', form.getAttribute('data-label'));
    list.hidden = true;
    var status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    input.parentNode.appendChild(list);
    form.appendChild(status);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', id);
    input.setAttribute('aria-expanded', 'false');

    var options = [];
    var active = -1;
    var timer = null;
    var asked = '';

    function close() {
      list.hidden = true;
      list.replaceChildren();
      options = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function activate(index) {
      if (active >= 0 && options[active]) options[active].setAttribute('aria-selected', 'false');
      active = index;
      if (index < 0) {
        input.removeAttribute('aria-activedescendant');
        return;
      }
      options[index].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', options[index].id);
      options[index].scrollIntoView({ block: 'nearest' });
    }

    function addGroup(label, entries) {
      if (!entries.length) return;
      var heading = document.createElement('li');
      heading.className = 'suggestions-group';
      heading.setAttribute('role', 'presentation');
      heading.textContent = label;
      list.appendChild(heading);
      entries.forEach(function (entry) {
        var option = document.createElement('li');
        option.id = id + '-' + options.length;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.setAttribute('data-href', entry.href);
        option.textContent = entry.text;
        option.addEventListener('mousedown', function (e) {
          e.preventDefault();
          window.location.assign(entry.href);
        });
        list.appendChild(option);
        options.push(option);
      });
    }

    function show(found) {
      close();
      addGroup(form.getAttribute('data-label-datasets'), (found.datasets || []).map(function (d) {
        return { text: pick(d.title, lang), href: prefix + '/dataset/' + encodeURIComponent(d.slug) };
      }));
      addGroup(form.getAttribute('data-label-organizations'), (found.organizations || []).map(function (o) {
        return { text: pick(o.name, lang), href: prefix + '/organization/' + encodeURIComponent(o.slug) };
      }));
      addGroup(form.getAttribute('data-label-keywords'), (found.keywords || []).map(function (k) {
        return { text: k.keyword, href: prefix + '/search?' + new URLSearchParams({ q: k.keyword }) };
      }));
      status.textContent = form.getAttribute('data-count').replace('{count}', String(options.length));
      if (!options.length) return;
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function ask() {
      var text = input.value.trim();
      if (text === asked) return;
      asked = text;
      if (text.length < MIN_CHARS) {
        close();
        return;
      }
      var url = form.getAttribute('data-suggest') + '?' + new URLSearchParams({ q: text, limit: '5' });
      fetch(url, { headers: { Accept: 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (found) {
          // Only the answer to what is still typed is shown.
          if (found && input.value.trim() === text) show(found);
        })
        .catch(function () { close(); });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && options.length) {
        e.preventDefault();
        activate((active + 1) % options.length);
      } else if (e.key === 'ArrowUp' && options.length) {
        e.preventDefault();
        activate(active <= 0 ? options.length - 1 : active - 1);
      } else if (e.key === 'Escape') {
        close();
      } else if (e.key === 'Enter' && active >= 0) {
        e.preventDefault();
        window.location.assign(options[active].getAttribute('data-href'));
      }
    });
    input.addEventListener('blur', function () {
      setTimeout(function () {
        close();
        asked = '';
      }, 100);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('form[data-suggest]'), enhance);
})();

// Links that fill in an input (`a[data-fill]`: the id of the input; `data-value`: the value), such
// as the schedule presets of a source's page. Without this script they load the page again with
// the value in the input; with it the input is filled in place and what was typed elsewhere stays.
(function () {
  'use strict';

  Array.prototype.forEach.call(document.querySelectorAll('a[data-fill]'), function (link) {
    link.addEventListener('click', function (e) {
      var input = document.getElementById(link.getAttribute('data-fill'));
      if (!input) return;
      e.preventDefault();
      input.value = link.getAttribute('data-value');
      input.focus();
    });
  });
})();
