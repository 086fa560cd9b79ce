/* Draws each dashboard figure from the JSON beside its canvas; a click on a bar or
   point opens the filtered list behind it (the same link as in the figure's table). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var colours = ["#1f5f99", "#b35400", "#2e7d32", "#8e24aa", "#c9302c", "#00838f"];
  document.querySelectorAll("canvas[data-figure]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-figure"));
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    /* a point's own list (cellLinks[series][label]) or the label's */
    function linkOf(element) {
      var own = figure.cellLinks && figure.cellLinks[element.datasetIndex];
      return own ? own[element.index] : figure.links[element.index];
    }
    var chart = new Chart(canvas, {
      type: figure.kind,
      data: {
        labels: figure.labels,
        datasets: figure.series.map(function (s, i) {
          return {label: s.name, data: s.values, backgroundColor: colours[i % colours.length],
                  borderColor: colours[i % colours.length], spanGaps: true};
        })
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: {legend: {display: figure.series.length > 1}},
        scales: {y: {beginAtZero: true}},
        onHover: function (event, elements) {
          canvas.style.cursor = elements.length && linkOf(elements[0]) ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (!elements.length) { return; }
          var link = linkOf(elements[0]);
          if (link) { window.location.href = link; }
        }
      }
    });
    canvas.dashboardChart = chart;  /* for the browser test's click-through */
  });
})();
