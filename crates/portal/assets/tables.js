// dulieu table page: progressive enhancement only; the page works without this script.
//
// Two enhancements, each in a section the server renders `hidden` and this script shows:
//
// - The chart builder (`section[data-chart]`): a chart type (bar, line, pie), a column to group
//   by and a figure (the row count, or the sum or mean of a numeric column) are read from the
//   table's aggregate API (`/api/1/tables/{id}/aggregate`) over the rows the page's filters keep,
//   then drawn with Chart.js (vendored). The canvas has a text alternative (`aria-label`) and
//   the same figures are shown in a small data table below it.
// - The map (`section[data-map]`, rendered only when the table has latitude and longitude
//   columns or a GeoJSON column): the rows API gives the positions, drawn as circle markers on
//   a Leaflet map (vendored) over OpenStreetMap's tiles. Without network the markers still show
//   on an empty background.
//
// Every text comes from the page (`data-text-*` attributes, in the page's language).
(function () {
  'use strict';

  if (!window.fetch || !document.querySelector) return;

  // Most groups a chart shows, and most rows the map reads.
  var MAX_GROUPS = 50;
  var MAX_POINTS = 2000;
  // Colours with at least 3:1 contrast against white (WCAG 1.4.11), for the pie's slices.
  var PALETTE = ['#0b3b66', '#a4161a', '#0b5e2f', '#7a3d00', '#5b2a86', '#005f73', '#8a5a00', '#3d405b'];

  // `template` with each `{name}` replaced by `values[name]`.
  function fill(template, values) {
    return String(template || '').replace(/\{([a-z_]+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  // `base?selection&extra`, skipping empty parts.
  function url(base, selection, extra) {
    var parts = [selection, extra].filter(function (p) { return p; });
    return parts.length ? base + '?' + parts.join('&') : base;
  }

  // The JSON of an API answer, or an Error with the API's message.
  function json(response) {
    return response.json().then(function (body) {
      if (!response.ok) {
        var message = body && body.error && body.error.message;
        throw new Error(message || ('HTTP ' + response.status));
      }
      return body;
    }, function () {
      throw new Error('HTTP ' + response.status);
    });
  }

  function numberFormat(lang) {
    try {
      return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 2 });
    } catch (e) {
      return { format: String };
    }
  }

  // ------------------------------------------------------------------ chart --
  function setUpChart(section) {
    if (!window.Chart) return;
    var form = section.querySelector('[data-chart-form]');
    var status = section.querySelector('[data-chart-status]');
    var figure = section.querySelector('[data-chart-figure]');
    var canvas = section.querySelector('[data-chart-canvas]');
    var caption = section.querySelector('[data-chart-caption]');
    var tableRegion = section.querySelector('[data-chart-table-region]');
    var table = section.querySelector('[data-chart-table]');
    var numbers = numberFormat(section.getAttribute('data-lang'));
    var chart = null;
    section.hidden = false;

    function selectedText(select) {
      var option = select.options[select.selectedIndex];
      return option ? option.text : '';
    }

    function showTable(title, columnLabel, metricLabel, labels, values) {
      table.querySelector('caption').textContent = title;
      var head = document.createElement('tr');
      [columnLabel, metricLabel].forEach(function (text) {
        var th = document.createElement('th');
        th.scope = 'col';
        th.textContent = text;
        head.appendChild(th);
      });
      table.querySelector('thead').replaceChildren(head);
      var rows = labels.map(function (label, i) {
        var tr = document.createElement('tr');
        var th = document.createElement('th');
        th.scope = 'row';
        th.textContent = label;
        var td = document.createElement('td');
        td.className = 'num';
        td.textContent = values[i] === null ? '' : numbers.format(values[i]);
        tr.appendChild(th);
        tr.appendChild(td);
        return tr;
      });
      table.querySelector('tbody').replaceChildren.apply(table.querySelector('tbody'), rows);
      tableRegion.hidden = false;
    }

    function draw(event) {
      if (event) event.preventDefault();
      var type = form.elements.chart_type.value;
      var column = form.elements.chart_category.value;
      var metric = form.elements.chart_metric.value;
      var typeLabel = selectedText(form.elements.chart_type);
      var metricLabel = selectedText(form.elements.chart_metric);
      var extra = 'group_by=' + encodeURIComponent(column) +
        '&metrics=' + encodeURIComponent(metric) + '&limit=' + MAX_GROUPS;
      status.textContent = section.getAttribute('data-text-loading');
      fetch(url(section.getAttribute('data-api'), section.getAttribute('data-selection'), extra), {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      })
        .then(json)
        .then(function (body) {
          var labels = body.rows.map(function (row) { return row[0] === null ? '—' : String(row[0]); });
          var values = body.rows.map(function (row) {
            var v = row[row.length - 1];
            return typeof v === 'number' ? v : (v === null ? null : Number(v));
          });
          var alt = fill(section.getAttribute('data-text-alt'), {
            type: typeLabel, metric: metricLabel, column: column, count: labels.length,
          });
          var title = fill(section.getAttribute('data-text-caption'), { metric: metricLabel, column: column });
          canvas.setAttribute('aria-label', alt);
          canvas.textContent = alt;
          caption.textContent = title;
          figure.hidden = false;
          if (chart) chart.destroy();
          chart = new window.Chart(canvas, {
            type: type,
            data: {
              labels: labels,
              datasets: [{
                label: metricLabel,
                data: values,
                backgroundColor: type === 'pie'
                  ? labels.map(function (_, i) { return PALETTE[i % PALETTE.length]; })
                  : PALETTE[0],
                borderColor: type === 'pie' ? '#ffffff' : PALETTE[0],
                borderWidth: type === 'line' ? 2 : 1,
              }],
            },
            options: {
              responsive: true,
              maintainAspectRatio: false,
              animation: false,
              plugins: { legend: { display: type === 'pie' } },
              scales: type === 'pie' ? {} : { y: { beginAtZero: true } },
            },
          });
          showTable(title, column, metricLabel, labels, values);
          status.textContent = body.truncated
            ? fill(section.getAttribute('data-text-truncated'), { count: labels.length })
            : alt;
          section.setAttribute('data-chart-drawn', type);
        })
        .catch(function (err) {
          status.textContent = fill(section.getAttribute('data-text-failed'), { detail: err.message });
        });
    }

    form.addEventListener('submit', draw);
  }

  // -------------------------------------------------------------------- map --
  function setUpMap(section) {
    if (!window.L) return;
    var L = window.L;
    var status = section.querySelector('[data-map-status]');
    var container = section.querySelector('[data-map-canvas]');
    var lat = section.getAttribute('data-latitude');
    var lon = section.getAttribute('data-longitude');
    var geometry = section.getAttribute('data-geometry');
    var label = section.getAttribute('data-label');
    var fields = (geometry ? [geometry] : [lat, lon]).concat(label ? [label] : []);
    var extra = 'fields=' + encodeURIComponent(fields.join(',')) + '&limit=' + MAX_POINTS;
    section.hidden = false;

    var map = L.map(container, { scrollWheelZoom: false, keyboard: true });
    var link = document.createElement('a');
    link.href = 'https://www.openstreetmap.org/copyright';
    link.textContent = section.getAttribute('data-text-attribution');
    L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
      maxZoom: 19,
      attribution: link.outerHTML,
    }).addTo(map);
    map.setView([16.0, 106.0], 5);
    var style = { radius: 6, color: '#0b3b66', weight: 2, fillColor: '#1d70b8', fillOpacity: 0.7 };

    fetch(url(section.getAttribute('data-api'), section.getAttribute('data-selection'), extra), {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    })
      .then(json)
      .then(function (body) {
        var names = body.columns.map(function (c) { return c.name; });
        var at = function (row, name) { return row[names.indexOf(name)]; };
        var layer = L.featureGroup();
        var shown = 0;
        body.rows.forEach(function (row) {
          var name = label ? at(row, label) : null;
          var added = null;
          if (geometry) {
            var value = at(row, geometry);
            if (!value) return;
            try {
              var geo = typeof value === 'string' ? JSON.parse(value) : value;
              added = L.geoJSON(geo, {
                style: function () { return style; },
                pointToLayer: function (_, latlng) { return L.circleMarker(latlng, style); },
              });
            } catch (e) {
              return;
            }
          } else {
            if (at(row, lat) === null || at(row, lon) === null) return;
            var y = Number(at(row, lat));
            var x = Number(at(row, lon));
            if (!isFinite(y) || !isFinite(x) || Math.abs(y) > 90 || Math.abs(x) > 180) return;
            added = L.circleMarker([y, x], style);
          }
          if (name !== null && name !== undefined) added.bindTooltip(String(name));
          added.addTo(layer);
          shown += 1;
        });
        layer.addTo(map);
        if (shown > 0) map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 12 });
        var alt = fill(section.getAttribute('data-text-alt'), { count: shown });
        status.textContent = body.next_cursor
          ? alt + ' ' + fill(section.getAttribute('data-text-limited'), { count: body.rows.length })
          : alt;
        section.setAttribute('data-map-points', String(shown));
      })
      .catch(function (err) {
        status.textContent = fill(section.getAttribute('data-text-failed'), { detail: err.message });
      });
  }

  function start() {
    var chart = document.querySelector('section[data-chart]');
    if (chart) setUpChart(chart);
    var map = document.querySelector('section[data-map]');
    if (map) setUpMap(map);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
