// The alternative form's map (issue 28): a click fills the coordinate fields in WGS 84 and
// moves the marker. The page works without this script: the fields are ordinary inputs.
// The projection is the server's (mcda.core.geo.RegionMap), passed as data attributes.
(function () {
  "use strict";
  var svg = document.getElementById("place-map");
  if (!svg) { return; }
  var d = svg.dataset;
  var lon0 = parseFloat(d.lon0), lat1 = parseFloat(d.lat1), kx = parseFloat(d.kx),
      scale = parseFloat(d.scale), pad = parseFloat(d.pad);
  var latField = document.getElementById(d.latField),
      lonField = document.getElementById(d.lonField),
      wgs = document.getElementById(d.crsField);
  var point = document.getElementById("pick-point");
  function text(v) { return v.toFixed(5).replace(".", ","); }
  svg.addEventListener("click", function (ev) {
    var ctm = svg.getScreenCTM();
    if (!ctm) { return; }
    var p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(ctm.inverse());
    var lon = lon0 + (p.x - pad) / (kx * scale);
    var lat = lat1 - (p.y - pad) / scale;
    latField.value = text(lat);
    lonField.value = text(lon);
    if (wgs) { wgs.checked = true; }
    var c = point.querySelector("circle");
    c.setAttribute("cx", p.x.toFixed(1));
    c.setAttribute("cy", p.y.toFixed(1));
    point.classList.remove("is-hidden");
    latField.dispatchEvent(new Event("change", { bubbles: true }));
  });
}());
