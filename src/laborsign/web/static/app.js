// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Verification can take a few seconds: show that it is running and prevent a second
  // submission of the same upload.
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.disabled = true;
        button.textContent = form.getAttribute("data-busy");
      }
      form.setAttribute("aria-busy", "true");
    });
  });
});
