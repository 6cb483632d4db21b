// The signature pad of the worker's ceremony: pointer events (finger, pen and mouse),
// undo and clear; the drawing goes into the form as a PNG data URL. Nothing else on the
// worker's pages needs a script.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("pad");
  var form = document.getElementById("sign-form");
  if (!canvas || !form) {
    return;
  }
  var context = canvas.getContext("2d");
  var strokes = []; // each stroke: a list of [x, y] points in CSS pixels
  var current = null;
  var error = document.getElementById("pad-error");

  function resize() {
    // The backing store follows the displayed size and the screen's pixel density, so
    // lines stay sharp; the strokes are kept in CSS pixels and redrawn.
    var ratio = window.devicePixelRatio || 1;
    var box = canvas.getBoundingClientRect();
    canvas.width = Math.max(1, Math.round(box.width * ratio));
    canvas.height = Math.max(1, Math.round(box.height * ratio));
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    redraw();
  }

  function redraw() {
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111111";
    strokes.forEach(function (stroke) {
      context.beginPath();
      stroke.forEach(function (point, i) {
        if (i === 0) {
          context.moveTo(point[0], point[1]);
          context.lineTo(point[0] + 0.1, point[1] + 0.1); // a tap leaves a dot
        } else {
          context.lineTo(point[0], point[1]);
        }
      });
      context.stroke();
    });
  }

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    if (error) {
      error.hidden = true;
    }
    redraw();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (current) {
      event.preventDefault();
      current.push(point(event));
      redraw();
    }
  });
  function end() {
    current = null;
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  document.getElementById("pad-undo").addEventListener("click", function () {
    strokes.pop();
    redraw();
  });
  document.getElementById("pad-clear").addEventListener("click", function () {
    strokes = [];
    redraw();
  });

  form.addEventListener("submit", function (event) {
    if (strokes.length === 0) {
      event.preventDefault();
      if (error) {
        error.hidden = false;
      }
      canvas.focus();
      return;
    }
    document.getElementById("signature").value = canvas.toDataURL("image/png");
    var button = document.getElementById("sign-submit");
    button.disabled = true;
    button.textContent = form.getAttribute("data-signing");
    form.setAttribute("aria-busy", "true");
  });

  window.addEventListener("resize", resize);
  resize();
});
