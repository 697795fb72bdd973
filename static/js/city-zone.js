// Typing a city suggests its time zone (offline list on the server) when the
// zone field is still empty or was filled by this script. Without JavaScript
// the server does the same on submit when the city's name means one zone.
(function () {
  "use strict";
  document.querySelectorAll("form").forEach(function (form) {
    var city = form.querySelector("input[name=city]");
    var zone = form.querySelector("input[name=timezone]");
    if (!city || !zone) return;
    var hint = document.createElement("p");
    hint.className = "hint";
    hint.setAttribute("aria-live", "polite");
    city.insertAdjacentElement("afterend", hint);
    var filled = false;
    var timer;
    city.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (city.value.trim().length < 2) { hint.textContent = ""; return; }
        fetch("/zones/cities?q=" + encodeURIComponent(city.value.trim()))
          .then(function (response) { return response.ok ? response.json() : {cities: []}; })
          .then(function (body) {
            var best = body.cities[0];
            if (!best) { hint.textContent = ""; return; }
            hint.textContent = best.city + ", " + best.country + " is in " + best.timezone + ".";
            if (!zone.value || filled) { zone.value = best.timezone; filled = true; }
          })
          .catch(function () { hint.textContent = ""; });
      }, 250);
    });
    zone.addEventListener("input", function () { filled = false; });
  });
})();
