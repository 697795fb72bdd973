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
  // Not checked against #zones: Chromium reports ICU's old names (Asia/Calcutta, Europe/Kiev),
  // which that list of current names lacks; the server ignores a cookie it does not know.
  if (!/^[A-Za-z0-9_+\/-]+$/.test(browserZone)) return;
  if (sessionStorage.getItem("tz-detected") === browserZone) return;
  sessionStorage.setItem("tz-detected", browserZone);
  // The check above keeps the cookie value to letters, digits, / _ + -.
  document.cookie = "tz=" + browserZone + "; path=/; max-age=31536000; SameSite=Lax";
  window.location.reload();
})();
