// Enhances the share bar: a "Copy link" button (clipboard API) with a visible
// confirmation, and a "Share…" button for the system share sheet where the browser has
// one. Without JavaScript, or without these APIs, the buttons are never created and
// the plain links remain.
(function () {
  "use strict";

  // The bar at the end of the article: the compact one under the headline stays as the
  // page drew it, so that nothing above the article's text moves once it is shown.
  var bars = document.querySelectorAll(".share[data-share-url]");
  var bar = bars[bars.length - 1];
  if (!bar) {
    return;
  }
  var url = bar.dataset.shareUrl;
  var title = bar.dataset.shareTitle;
  var canCopy = Boolean(navigator.clipboard && navigator.clipboard.writeText);
  var canShare = typeof navigator.share === "function";
  if (!canCopy && !canShare) {
    return;
  }

  var actions = document.createElement("div");
  actions.className = "share-actions";
  var status = document.createElement("p");
  status.className = "share-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  var clearTimer = null;

  function say(message) {
    status.textContent = message;
    window.clearTimeout(clearTimer);
    clearTimer = window.setTimeout(function () {
      status.textContent = "";
    }, 6000);
  }

  function button(label, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "share-button";
    element.textContent = label;
    element.addEventListener("click", onClick);
    actions.appendChild(element);
    return element;
  }

  if (canCopy) {
    button("Copy link", function () {
      navigator.clipboard.writeText(url).then(
        function () {
          say("Link copied to the clipboard.");
        },
        function () {
          say("The link could not be copied: copy it from the address bar.");
        }
      );
    });
  }

  if (canShare) {
    button("Share…", function () {
      navigator.share({ title: title, url: url }).catch(function (error) {
        if (error && error.name !== "AbortError") {
          say("This device could not share the link: use one of the links above.");
        }
      });
    });
  }

  bar.appendChild(actions);
  bar.appendChild(status);
})();
