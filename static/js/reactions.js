// Enhances the reaction bar's form: a tap updates the count at once, then the
// server's answer settles it; a refusal rolls the button back with a message.
(function () {
  "use strict";

  var form = document.getElementById("reactions");
  if (!form || !window.fetch) {
    return;
  }
  var status = form.querySelector(".reaction-status");
  var pending = new Set();

  function shortCount(n) {
    var sizes = [[1e9, "B"], [1e6, "M"], [1e3, "K"]];
    for (var i = 0; i < sizes.length; i++) {
      var size = sizes[i][0];
      if (n >= size) {
        if (n < 10 * size) {
          return (n / size).toFixed(1).replace(/\.0$/, "") + sizes[i][1];
        }
        return Math.floor(n / size) + sizes[i][1];
      }
    }
    return String(n);
  }

  function render(button, count, pressed) {
    var label = button.dataset.label;
    button.dataset.count = String(count);
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
    button.querySelector(".reaction-count").textContent = shortCount(count);
    button.setAttribute(
      "aria-label",
      label + ", " + count + " reaction" + (count === 1 ? "" : "s") +
        " — press to " + (pressed ? "take yours back" : "react")
    );
  }

  function apply(state) {
    form.querySelectorAll("button.reaction").forEach(function (button) {
      var key = button.dataset.key;
      if (key in state.counts && !pending.has(key)) {
        render(button, state.counts[key], state.mine.indexOf(key) !== -1);
      }
    });
  }

  form.querySelectorAll("button.reaction").forEach(function (button) {
    var name = button.getAttribute("aria-label");
    button.dataset.label = name.slice(0, name.indexOf(","));
  });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.classList.contains("reaction")) {
      return;
    }
    event.preventDefault();
    var key = button.dataset.key;
    if (pending.has(key)) {
      return;
    }
    var before = {
      count: Number(button.dataset.count),
      pressed: button.getAttribute("aria-pressed") === "true",
    };
    render(button, before.count + (before.pressed ? -1 : 1), !before.pressed);
    status.textContent = "";
    pending.add(key);

    var body = new FormData(form);
    body.append("emoji", key);
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        var isJson = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
        if (!isJson) {
          throw new Error(response.status === 403
            ? "Please reload the page and try again."
            : "Please try again.");
        }
        return response.json().then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || "Please try again.");
          }
          return data;
        });
      })
      .then(function (state) {
        pending.delete(key);
        apply(state);
      })
      .catch(function (error) {
        pending.delete(key);
        render(button, before.count, before.pressed);
        status.textContent = "Sorry — your reaction was not saved. " +
          (error instanceof TypeError ? "Check your connection and try again." : error.message);
      });
  });
})();
