// The bulk import page: follow the validation of an upload, then a running import's
// progress. Progressive enhancement only: without this file the page shows the state at the
// time it was loaded (reload to update).
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
  // The page was rendered while the rows were being checked: the checked page shows them.
  var validating = block.getAttribute("data-validating") === "true";
  var delay = 1000;

  function show(body) {
    var rows = body.rows;
    var planned, over;
    if (body.state === "validating") {
      // Each row is read, then checked: two steps per row (as the server counts them).
      planned = 2 * rows.total;
      over = Math.min(rows.read + rows.checked, planned);
    } else {
      planned = rows.total - rows.invalid;
      over = rows.done + rows.failed;
    }
    var percent = planned ? Math.floor((100 * over) / planned) : 0;
    bar.max = planned || 1;
    bar.value = over;
    bar.textContent = percent + "%";
    counts.textContent = text
      .replace("{done}", rows.done)
      .replace("{failed}", rows.failed)
      .replace("{planned}", planned)
      .replace("{read}", rows.read)
      .replace("{checked}", rows.checked)
      .replace("{total}", rows.total)
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
        var checked = validating && body.state !== "validating";
        if (!checked) {
          show(body);
        }
        if (checked || finished.indexOf(body.state) >= 0) {
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
