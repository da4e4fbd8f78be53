// Enhances the comment form and the report forms. Everything works without it:
// the Reply links reload the page with ?reply_to=, the report forms post and come back.
(function () {
  "use strict";

  function format(n) {
    return n.toLocaleString("en-GB");
  }

  // The comment form: a live character count, Reply links that fill in the form,
  // and one submission per click.
  var form = document.getElementById("comment-form");
  if (form && form.tagName === "FORM") {
    var body = form.querySelector("textarea[name=body]");
    var help = document.getElementById(body.id + "_helptext");
    var max = Number(form.dataset.maxLength);
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    help.insertAdjacentElement("afterend", live);
    var announce;

    var countText = function () {
      // Counted as the server counts: line breaks as one character, ends trimmed.
      var n = Array.from(body.value.replace(/\r\n?/g, "\n").trim()).length;
      help.classList.toggle("char-count-over", n > max);
      if (n > max) {
        return format(n - max) + " characters too many (" + format(n) + " of " + format(max) + ")";
      }
      return format(n) + " of " + format(max) + " characters";
    };
    help.classList.add("char-count");
    help.textContent = countText();
    body.addEventListener("input", function () {
      var text = countText();
      help.textContent = text;
      // Screen readers hear the count once the reader pauses, not at every key.
      clearTimeout(announce);
      announce = setTimeout(function () {
        live.textContent = text;
      }, 1000);
    });

    // A reply is written under the comment it answers: the form moves there, and back
    // to its place (marked by `home`) when the reply is cancelled.
    var parent = form.querySelector("input[name=parent]");
    var banner = document.getElementById("replying-to");
    var replyName = banner.querySelector(".replying-to-name");
    var home = document.createComment("comment form");
    form.parentNode.insertBefore(home, form);
    document.addEventListener("click", function (event) {
      var link = event.target.closest(".reply-link");
      if (!link) {
        return;
      }
      event.preventDefault();
      parent.value = link.dataset.replyTo;
      replyName.textContent = link.dataset.replyName;
      replyName.setAttribute("href", "#comment-" + link.dataset.replyTo);
      banner.hidden = false;
      link.closest("article.comment-body").insertAdjacentElement("afterend", form);
      body.focus();
    });
    banner.querySelector(".cancel-reply").addEventListener("click", function (event) {
      event.preventDefault();
      parent.value = "";
      banner.hidden = true;
      var answered = document.getElementById(replyName.getAttribute("href").slice(1));
      home.parentNode.insertBefore(form, home.nextSibling);
      (answered ? answered.querySelector(".reply-link") : body).focus();
    });

    // The name is remembered for the next comment, in this browser only.
    var name = form.querySelector("input[name=name]");
    try {
      if (name && !name.value) {
        name.value = window.localStorage.getItem("newsroom.comment-name") || "";
      }
    } catch (error) {
      // Storage refused (private browsing): the browser's autofill still helps.
    }

    var button = form.querySelector("button[type=submit]");
    var label = button.textContent;
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting) {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "true";
      try {
        window.localStorage.setItem("newsroom.comment-name", name.value.trim());
      } catch (error) {
        // Not remembered: nothing else depends on it.
      }
      button.setAttribute("aria-disabled", "true");
      button.textContent = "Posting…";
    });
    window.addEventListener("pageshow", function () {
      delete form.dataset.submitting;
      button.removeAttribute("aria-disabled");
      button.textContent = label;
    });
  }

  // "Show more": the next page of comments is added in place (the link still leads to
  // that page without the script). The page is the same one the link opens, cached.
  var list = document.getElementById("comment-list");
  if (list && window.fetch && window.DOMParser) {
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    list.insertAdjacentElement("afterend", status);
    list.addEventListener("click", function (event) {
      var next = event.target.closest('.pagination a[rel="next"]');
      if (!next) {
        return;
      }
      event.preventDefault();
      next.setAttribute("aria-busy", "true");
      fetch(next.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.text();
        })
        .then(function (text) {
          var page = new DOMParser().parseFromString(text, "text/html");
          var more = page.querySelectorAll("#comment-list > ol.comments > li");
          var ol = list.querySelector("ol.comments");
          var first = null;
          more.forEach(function (item) {
            var added = document.importNode(item, true);
            ol.appendChild(added);
            first = first || added;
          });
          var nav = list.querySelector(".pagination");
          var newNav = page.querySelector("#comment-list .pagination");
          if (newNav) {
            var previous = newNav.querySelector('a[rel="prev"]');
            if (previous) {
              previous.remove(); // those are on this page already
            }
            nav.replaceWith(document.importNode(newNav, true));
          } else {
            nav.remove();
          }
          status.textContent = more.length + " more comments shown.";
          if (first) {
            var link = first.querySelector(".comment-permalink");
            (link || first).focus();
          }
        })
        .catch(function () {
          window.location.href = next.href; // the page itself, then
        });
    });
  }

  // Report links open the report form in place (from the page's one template) instead of
  // the report page; the form is sent in place and "Reported — thank you" replaces both.
  var reportTemplate = document.getElementById("report-form-template");
  if (!window.fetch || !reportTemplate || !("content" in reportTemplate)) {
    return;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".report-link");
    if (!link) {
      return;
    }
    event.preventDefault();
    var open = link.nextElementSibling;
    if (open && open.classList.contains("report-form")) {
      open.remove();
      link.setAttribute("aria-expanded", "false");
      return;
    }
    var form = reportTemplate.content.firstElementChild.cloneNode(true);
    form.action = link.href;
    link.after(form);
    link.setAttribute("aria-expanded", "true");
    form.querySelector("input[name=reason]").focus();
  });
  document.addEventListener("submit", function (event) {
    var report = event.target.closest(".report-form");
    if (!report) {
      return;
    }
    event.preventDefault();
    var send = report.querySelector("button[type=submit]");
    var status = report.querySelector(".report-status");
    if (send.disabled) {
      return;
    }
    send.disabled = true;
    status.textContent = "";
    fetch(report.action, {
      method: "POST",
      body: new FormData(report),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) {
            throw new Error(data.error || "Your report could not be sent.");
          }
          return data;
        });
      })
      .then(function (data) {
        var done = document.createElement("p");
        done.className = "reported";
        done.setAttribute("role", "status");
        done.tabIndex = -1;
        done.textContent = data.message;
        var link = report.previousElementSibling;
        if (link && link.classList.contains("report-link")) {
          link.remove();
        }
        report.replaceWith(done);
        done.focus();
      })
      .catch(function (error) {
        send.disabled = false;
        status.textContent = (error && error.message) || "Your report could not be sent.";
      });
  });
})();
