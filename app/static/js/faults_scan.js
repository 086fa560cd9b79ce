/* "Scan QR" on /report: read a KlusHeeren sticker with the phone camera (jsQR,
   served from our own static files) and fill in the device. */
(function () {
  var script = document.currentScript;
  var button = document.getElementById("scan-button");
  if (!button || typeof jsQR === "undefined") return;
  var box = document.getElementById("scanner"), video = document.getElementById("scanner-video");
  var canvas = document.getElementById("scanner-canvas"), status = document.getElementById("scanner-status");
  var stream = null;

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null; box.hidden = true;
  }

  function found(text) {
    var match = /\/q\/([A-Za-z0-9]+)/.exec(text) || /^([A-Za-z0-9]{6,32})$/.exec(text);
    if (!match) { status.textContent = script.dataset.unknown; return false; }
    var code = match[1].toUpperCase();
    fetch(script.dataset.lookup.replace("CODE", encodeURIComponent(code)), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (!d.registered) { document.getElementById("scanned-device").textContent = d.message || script.dataset.unknown; return; }
        document.getElementById("code").value = d.code;
        document.getElementById("location_id").value = String(d.location_id);
        document.getElementById("placement").value = d.placement;
        document.getElementById("scanned-device").textContent = d.device_type + " — " + d.location + ", " + d.placement;
      });
    return true;
  }

  function tick() {
    if (!stream) return;
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      var ctx = canvas.getContext("2d");
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var code = jsQR(img.data, img.width, img.height, {inversionAttempts: "dontInvert"});
      if (code && found(code.data)) { stop(); return; }
    }
    requestAnimationFrame(tick);
  }

  button.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { alert(script.dataset.nocamera); return; }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (s) {
      stream = s; box.hidden = false; video.srcObject = s; video.play(); requestAnimationFrame(tick);
    }).catch(function () { alert(script.dataset.nocamera); });
  });
})();
