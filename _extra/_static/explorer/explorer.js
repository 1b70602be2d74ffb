/* The what-if explorer (chapters/explorer.md): shows, for the scenario a reader picks,
   the power and the smallest detectable effect that valor.analysis.explorer computed
   when the book was built. No computation and no request: it only looks values up in
   the JSON the page carries (#vx-data) and shows the texts prepared there. */
(function () {
  "use strict";

  function start() {
    var root = document.getElementById("valor-explorer");
    var source = document.getElementById("vx-data");
    if (!root || !source) return;
    var data = JSON.parse(source.textContent);
    var form = root.querySelector(".vx-controls");
    var control = function (key) { return document.getElementById("vx-" + key); };
    var sizes = data.n_per_arm.length;

    function fill(template, values) {
      return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
    }

    function showSlider(key, labels) {
      var text = labels[Number(control(key).value)];
      control(key).setAttribute("aria-valuetext", text);
      document.getElementById("vx-" + key + "-value").textContent = text;
    }

    function update() {
      var effect = Number(control("effect").value);
      var weeks = Number(control("weeks").value);
      var n = Number(control("n").value);
      var lag = Number(control("lag").value);
      var row = lag * sizes + n;
      showSlider("effect", data.effects);
      showSlider("n", data.n_per_arm);
      document.getElementById("vx-power").textContent = data.power[row][weeks][effect] + "%";
      var parts = data.detectable[row][weeks];
      document.getElementById("vx-detectable").textContent = parts
        ? fill(data.detectable_text, { share: parts[0], points: parts[1], week: data.week_numbers[weeks] })
        : data.not_detectable_text;
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
