/* "Scan QR" on /report: read a KlusHeeren sticker with the phone camera (jsQR,
   served from our own static files) and fill in the device.

   Without JavaScript (or when jsQR did not load) the button stays hidden and the
   location is chosen by hand. When the camera cannot be used (no camera, no
   permission, page not on HTTPS, old browser) a message on the page says so and
   the form keeps working. */
(function () {
  var script = document.currentScript;
  var button = document.getElementById("scan-button");
  if (!script || !button || typeof jsQR === "undefined") return;
  var box = document.getElementById("scanner"), video = document.getElementById("scanner-video");
  var canvas = document.getElementById("scanner-canvas"), status = document.getElementById("scanner-status");
  var message = document.getElementById("scanned-device"), stopButton = document.getElementById("scanner-stop");
  var stream = null;

  function say(text) { message.textContent = text; }

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null; box.hidden = true; button.disabled = false;
  }

  function lookup(code) {
    fetch(script.dataset.lookup.replace("CODE", encodeURIComponent(code)), {credentials: "same-origin"})
      .then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (type.indexOf("json") < 0) return {registered: false, message: script.dataset.unknown};
        return r.json();
      })
      .then(function (d) {
        if (!d.registered) { say(d.message || script.dataset.unknown); return; }
        document.getElementById("code").value = d.code;
        document.getElementById("location_id").value = String(d.location_id);
        document.getElementById("placement").value = d.placement;
        say(d.device_type + " — " + d.location + ", " + d.placement);
      })
      .catch(function () { say(script.dataset.failed); });
  }

  function found(text) {
    var match = /\/q\/([A-Za-z0-9]+)/.exec(text) || /^([A-Za-z0-9]{6,32})$/.exec(text);
    if (!match) { status.textContent = script.dataset.unknown; return false; }
    lookup(match[1].toUpperCase());
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

  function cameraFailed(error) {
    stop();
    var name = error && error.name;
    say(name === "NotAllowedError" || name === "SecurityError" ? script.dataset.denied
                                                               : script.dataset.nocamera);
  }

  button.addEventListener("click", function () {
    say("");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraFailed(null); return;   // no camera API: old browser, or not on HTTPS
    }
    button.disabled = true;
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (s) {
      stream = s; box.hidden = false; video.srcObject = s;
      var playing = video.play();
      if (playing && playing.catch) playing.catch(cameraFailed);
      requestAnimationFrame(tick);
    }).catch(cameraFailed);
  });
  if (stopButton) stopButton.addEventListener("click", stop);
  button.hidden = false;
})();
