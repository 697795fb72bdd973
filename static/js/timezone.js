// Show times in the reader's own zone: when the page fell back to its default
// zone (no ?tz=, no saved choice), remember the browser's zone and reload once.
// Without JavaScript the zone picker does the same job by hand.
(function () {
  "use strict";
  var browserZone;
  try {
    browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!browserZone) return;

  var shown = document.querySelector("[data-zone-shown]");
  if (!shown || shown.getAttribute("data-zone-source") !== "default") return;
  if (shown.getAttribute("data-zone-shown") === browserZone) return;
  var known = document.querySelector('#zones option[value="' + browserZone.replace(/"/g, "") + '"]');
  if (!known) return;
  if (sessionStorage.getItem("tz-detected") === browserZone) return;
  sessionStorage.setItem("tz-detected", browserZone);
  // Zone names are cookie-safe (letters, digits, / _ + -) and checked against the list above.
  document.cookie = "tz=" + browserZone + "; path=/; max-age=31536000; SameSite=Lax";
  window.location.reload();
})();
