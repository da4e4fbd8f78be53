// The moderation queue, enhanced: a row's Approve, Reject and Spam decide in place (the row
// goes, focus moves to the next one, the result is announced), and keys work the queue:
// j/k move between rows, a/r/s decide on the current one, x selects it, ? opens the help.
// Without this script each button is a POST that comes back to the same place.
(function () {
  "use strict";

  const form = document.getElementById("changelist-form");
  const announcer = document.getElementById("queue-announcer");
  const help = document.getElementById("queue-keys");
  if (!form || !announcer) {
    return;
  }
  const DECISION_KEYS = { a: "approve", r: "reject", s: "spam" };

  function rows() {
    return Array.from(document.querySelectorAll("#result_list tbody tr"));
  }

  function currentRow() {
    const active = document.activeElement;
    return active && active.closest ? active.closest("#result_list tbody tr") : null;
  }

  function focusRow(row) {
    if (!row) {
      return;
    }
    row.tabIndex = -1;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const all = rows();
    const index = all.indexOf(currentRow());
    const next = index === -1 ? all[step > 0 ? 0 : all.length - 1] : all[index + step];
    focusRow(next);
  }

  function announce(message) {
    // Emptied first, so that the same message twice is announced twice.
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = message;
    }, 50);
  }

  function lessOne(count) {
    if (count && /^\d+$/.test(count.textContent.replace(/,/g, ""))) {
      const n = Number(count.textContent.replace(/,/g, "")) - 1;
      count.textContent = Math.max(n, 0).toLocaleString("en");
    }
  }

  function removeRow(row) {
    const all = rows();
    const index = all.indexOf(row);
    const next = all[index + 1] || all[index - 1];
    const checkbox = row.querySelector("input.action-select");
    if (checkbox && checkbox.checked) {
      checkbox.click(); // unticked first, so that Django's "n of m selected" stays right
    }
    row.remove();
    lessOne(document.querySelector('.queue-views [aria-current="page"] .queue-view-count'));
    if (next) {
      focusRow(next);
    } else {
      announcer.tabIndex = -1;
      announcer.focus();
    }
  }

  async function decide(button) {
    const row = button.closest("tr");
    const data = new FormData();
    data.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    data.append("decision", button.value);
    row.setAttribute("aria-busy", "true");
    let answer = null;
    try {
      const response = await fetch(button.formAction, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      answer = await response.json().catch(() => null);
      if (!response.ok || !answer) {
        // A refusal says why; for anything else (signed out meanwhile) a general message.
        throw new Error(answer && answer.message ? answer.message : "");
      }
    } catch (error) {
      row.removeAttribute("aria-busy");
      announce(error.message || "Nothing was decided: the server did not answer. Try again.");
      return;
    }
    const rest = rows().length - 1;
    removeRow(row);
    announce(rest ? answer.message : `${answer.message} No more comments on this page.`);
  }

  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.classList.contains("row-decision")) {
      event.preventDefault();
      decide(button);
    }
  });

  const TEXT_FIELDS =
    "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit])," +
    "textarea, select, [contenteditable]";

  function typing(target) {
    return target.closest(TEXT_FIELDS) !== null;
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (help && help.open) {
      return; // the dialog has the keyboard; Escape closes it
    }
    const row = currentRow();
    if (event.key === "j" || event.key === "k") {
      move(event.key === "j" ? 1 : -1);
    } else if (event.key in DECISION_KEYS && row) {
      const button = row.querySelector(`button.row-decision[value="${DECISION_KEYS[event.key]}"]`);
      if (button) {
        button.click();
      }
    } else if (event.key === "x" && row) {
      const checkbox = row.querySelector("input.action-select");
      if (checkbox) {
        checkbox.click();
        focusRow(row);
      }
    } else if (event.key === "?" && help) {
      help.showModal();
    } else {
      return;
    }
    event.preventDefault();
  }

  document.addEventListener("keydown", onKey);

  const open = document.getElementById("queue-keys-open");
  if (open && help) {
    open.hidden = false;
    open.addEventListener("click", () => help.showModal());
  }
})();
