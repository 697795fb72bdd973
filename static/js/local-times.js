// While the organiser types a slot's new time, refresh "Everyone's local time"
// from the server (the same fragment the "Show local times" button renders),
// saving nothing. Without JavaScript the button does the same by hand.
(function () {
  "use strict";
  var form = document.querySelector("form[data-local-times]");
  if (!form || !window.fetch || !window.FormData || !window.DOMParser) return;
  var preview = form.querySelector("button[name=preview]");
  var timer;
  var asked = 0;

  function refresh() {
    var body = new FormData(form);
    body.set(preview.name, preview.value);
    var mine = ++asked;
    fetch(form.getAttribute("action") || window.location.href,
          {method: "POST", body: body, credentials: "same-origin", headers: {"X-Fragment": "local-times"}})
      .then(function (response) {
        // 422 carries the fragment too, with the messages; anything else (an expired session) is left alone.
        return response.status === 200 || response.status === 422 ? response.text() : null;
      })
      .then(function (html) {
        if (html === null || mine !== asked) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("local-times");
        var shown = document.getElementById("local-times");
        if (fresh && shown) shown.innerHTML = fresh.innerHTML;
      })
      .catch(function () {});
  }

  var watched = ["start", "end", "timezone", "start_fold", "end_fold"];
  form.addEventListener("input", function (event) {
    if (watched.indexOf(event.target.name) < 0) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
