// The bulk import page: follow a running import's progress. Progressive enhancement only:
// without this file the page shows the state at the time it was loaded (reload to update).
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var block = document.getElementById("progress");
  if (!block || block.getAttribute("data-polling") !== "true") {
    return;
  }
  var bar = document.getElementById("import-bar");
  var counts = document.getElementById("import-counts");
  var text = counts.getAttribute("data-text");
  var finished = ["done", "failed", "rejected"];
  var delay = 1000;

  function show(body) {
    var rows = body.rows;
    var planned = rows.total - rows.invalid;
    var over = rows.done + rows.failed;
    var percent = planned ? Math.floor((100 * over) / planned) : 0;
    bar.max = planned || 1;
    bar.value = over;
    bar.textContent = percent + "%";
    counts.textContent = text
      .replace("{done}", rows.done)
      .replace("{failed}", rows.failed)
      .replace("{planned}", planned)
      .replace("{percent}", percent);
  }

  function poll() {
    fetch(block.getAttribute("data-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("progress " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        show(body);
        if (finished.indexOf(body.state) >= 0) {
          // The rows' outcomes and links are rendered by the server.
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A missed answer (a restart, the network): try again, less often.
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
});
