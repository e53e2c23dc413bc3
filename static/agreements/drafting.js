// The agreement editor (agreements/edit.html, views.field_save, views.editor_heartbeat).
//
// Each field saves on its own, a second after the last keystroke, carrying the version it
// started from. When someone else saved the field in between, the server answers 409 with
// their text: the field then stops saving until its writer chooses (keep mine, take theirs,
// merge), shown right below the field. A heartbeat names who else has the agreement open and
// brings fields others changed: an untouched field takes the new text and says who changed
// it; a field with unsaved typing gets the same choice. A failed request keeps the text and
// says so in the field's status. No inline scripts or styles (the CSP forbids them).
(function () {
  "use strict";
  var root = document.getElementById("draft-editor");
  if (!root) return;
  var SAVE_DELAY = 1000;
  var RETRY_DELAY = 5000;
  var fields = {};

  function msg(name, params) {
    var text = root.dataset[name] || "";
    Object.keys(params || {}).forEach(function (key) {
      text = text.split("%(" + key + ")s").join(params[key]);
    });
    return text;
  }
  function clock() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function post(url, params) {
    var body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", csrfToken());
    params.forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
    }).then(function (response) {
      return response.json().then(
        function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: {} }; }
      );
    });
  }

  function Field(wrapper) {
    this.el = wrapper;
    this.key = wrapper.dataset.draftField;
    this.list = wrapper.hasAttribute("data-draft-list");
    this.singleLine = wrapper.hasAttribute("data-single-line");
    this.input = this.list ? null : wrapper.querySelector("textarea, select, input:not([type=hidden])");
    this.versionInput = wrapper.querySelector("input[type=hidden][name$='_version']");
    this.status = wrapper.querySelector(".draft-status");
    this.dirty = false;
    this.inFlight = false;
    this.queued = false;
    this.failed = false;
    this.timer = null;
    this.conflict = null;
    var panel = wrapper.querySelector("[data-draft-conflict]");
    if (panel) {
      // The server showed a conflict after a plain form post: the hidden version is already
      // the current one, so the same choice applies.
      this.conflict = { value: panel.querySelector("[data-conflict-theirs]").textContent, version: this.version() };
      this.arm(panel);
      this.dirty = true;
    }
  }
  Field.prototype.version = function () { return parseInt(this.versionInput.value, 10); };
  Field.prototype.setVersion = function (version) { this.versionInput.value = String(version); };
  Field.prototype.boxes = function () {
    var key = this.key;
    return Array.prototype.filter.call(this.el.querySelectorAll("input[type=checkbox]"), function (box) {
      return box.name === key;
    });
  };
  Field.prototype.value = function () {
    if (!this.list) return this.input.value;
    var ids = this.boxes().filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
    return ids.filter(function (id, index) { return ids.indexOf(id) === index; }).sort();
  };
  Field.prototype.setValue = function (value, labels) {
    if (!this.list) {
      this.input.value = value;
      return;
    }
    // Their partners replace the ticked ones: rebuild the chosen list from the names.
    this.boxes().forEach(function (box) { box.checked = false; });
    var chosen = this.el.querySelector(".partner-chosen");
    var key = this.key;
    chosen.textContent = "";
    (labels || []).forEach(function (item) {
      var li = document.createElement("li");
      li.className = "form-check";
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "form-check-input";
      box.name = key;
      box.value = String(item.id);
      box.id = key + "-partner-" + item.id;
      box.checked = true;
      var label = document.createElement("label");
      label.className = "form-check-label";
      label.htmlFor = box.id;
      label.textContent = item.name;
      li.appendChild(box);
      li.appendChild(label);
      chosen.appendChild(li);
    });
    var none = this.el.querySelector(".partner-none");
    if (none) none.hidden = chosen.children.length > 0;
  };
  Field.prototype.say = function (text, kind) {
    this.status.textContent = text;
    this.status.classList.toggle("draft-status-error", kind === "error");
    this.status.classList.toggle("draft-status-changed", kind === "changed");
  };
  Field.prototype.showErrors = function (errors) {
    var id = this.input ? this.input.id : "id_" + this.key;
    var box = document.getElementById(id + "-errors");
    if (box) box.textContent = (errors || []).join(" ");
    if (this.input) {
      this.input.classList.toggle("is-invalid", !!(errors && errors.length));
      if (errors && errors.length) this.input.setAttribute("aria-invalid", "true");
      else this.input.removeAttribute("aria-invalid");
    }
  };
  Field.prototype.touch = function (now) {
    this.dirty = true;
    if (this.conflict) return; // nothing saves until the writer has chosen
    clearTimeout(this.timer);
    var field = this;
    this.timer = setTimeout(function () { field.save(); }, now ? 0 : SAVE_DELAY);
  };
  Field.prototype.params = function () {
    var params = [["field", this.key], ["version", String(this.version())]];
    var value = this.value();
    if (this.list) value.forEach(function (id) { params.push(["value", id]); });
    else params.push(["value", value]);
    return params;
  };
  Field.prototype.save = function () {
    clearTimeout(this.timer);
    if (this.conflict) return;
    if (this.inFlight) {
      this.queued = true;
      return;
    }
    var field = this;
    var sent = JSON.stringify(this.value());
    this.inFlight = true;
    this.say(msg("msgSaving"));
    post(root.dataset.fieldUrl, this.params())
      .then(function (answer) {
        field.failed = false;
        var data = answer.data;
        if (answer.status === 200) {
          field.setVersion(data.version);
          if (JSON.stringify(field.value()) === sent) field.dirty = false;
          field.showErrors([]);
          field.say(msg("msgSaved", { time: data.saved_at || clock() }));
        } else if (answer.status === 409) {
          field.enterConflict(data);
        } else {
          var error = (data.errors || []).join(" ") || String(answer.status);
          field.showErrors(data.errors || []);
          field.say(msg("msgError", { error: error }), "error");
        }
      })
      .catch(function () {
        // No answer (offline, server down): the text stays in the field; try again later.
        field.failed = true;
        field.say(msg("msgOffline"), "error");
        field.timer = setTimeout(function () { if (field.dirty) field.save(); }, RETRY_DELAY);
      })
      .then(function () {
        field.inFlight = false;
        if (field.queued && !field.conflict) {
          field.queued = false;
          field.save();
        }
      });
  };
  Field.prototype.byline = function (data) {
    var name = data.by || msg("msgSomeone");
    return data.at ? name + ", " + data.at : name;
  };
  Field.prototype.enterConflict = function (data) {
    clearTimeout(this.timer);
    this.queued = false;
    this.conflict = data;
    var created = false;
    var panel = this.el.querySelector("[data-draft-conflict]");
    if (!panel) {
      var template = document.getElementById("draft-conflict-template");
      panel = template.content.firstElementChild.cloneNode(true);
      var prefix = (this.input ? this.input.id : "id_" + this.key) + "-conflict";
      panel.querySelector("h4").id = prefix + "-heading";
      panel.setAttribute("aria-labelledby", prefix + "-heading");
      this.status.insertAdjacentElement("afterend", panel);
      created = true;
    }
    var theirs = panel.querySelector("[data-conflict-theirs]");
    theirs.textContent = this.list
      ? (data.labels || []).map(function (item) { return item.name; }).join(", ")
      : data.value;
    panel.querySelector("[data-conflict-by]").textContent = "(" + this.byline(data) + ")";
    this.arm(panel);
    this.say(msg("msgConflict"), "error");
    var details = this.el.closest("details");
    if (details) details.open = true;
    // Where the writer is looking: the least scrolling that shows the whole choice.
    if (created) panel.scrollIntoView({ block: "nearest" });
  };
  Field.prototype.arm = function (panel) {
    this.el.classList.add("draft-field-conflict");
    panel.querySelector("[data-conflict-nojs]").hidden = true;
    panel.querySelector("[data-conflict-actions]").hidden = false;
    panel.querySelector("[data-conflict-merged]").hidden = true;
    // Merging two texts means something for text; for a choice or a list, keep or take.
    var merge = panel.querySelector("[data-resolve=merge]");
    merge.hidden = this.list || (this.input && this.input.tagName === "SELECT");
  };
  Field.prototype.clearConflict = function () {
    var panel = this.el.querySelector("[data-draft-conflict]");
    if (panel) panel.remove();
    this.el.classList.remove("draft-field-conflict");
    this.conflict = null;
  };
  Field.prototype.resolve = function (choice) {
    var conflict = this.conflict;
    if (!conflict) return;
    var panel = this.el.querySelector("[data-draft-conflict]");
    if (choice === "merge") {
      var mine = this.value();
      var separator = this.singleLine ? " / " : "\n\n";
      this.input.value = conflict.value && mine ? conflict.value + separator + mine : conflict.value || mine;
      panel.querySelector("[data-conflict-actions]").hidden = true;
      panel.querySelector("[data-conflict-merged]").hidden = false;
      this.say(msg("msgMerge"));
      this.input.focus();
      return;
    }
    var focus = this.input || this.el.querySelector("input[type=checkbox]");
    if (choice === "theirs") {
      this.setValue(conflict.value, conflict.labels);
      this.setVersion(conflict.version);
      this.dirty = false;
      this.clearConflict();
      this.say(msg("msgTaken"));
    } else {
      // "mine" and "save" (the merged text): written over their version, knowingly.
      this.setVersion(conflict.version);
      this.clearConflict();
      this.save();
    }
    if (focus) focus.focus();
  };
  // Someone else's newer version arrived with the heartbeat.
  Field.prototype.remote = function (data) {
    if (this.inFlight || data.version <= this.version()) return;
    if (this.conflict) {
      if (data.version > this.conflict.version) this.enterConflict(data);
      return;
    }
    if (this.dirty) {
      this.enterConflict(data);
      return;
    }
    this.setValue(data.value, data.labels);
    this.setVersion(data.version);
    this.say(
      data.by ? msg("msgChangedBy", { name: data.by, time: data.at || clock() }) : msg("msgChanged", { time: data.at || clock() }),
      "changed"
    );
  };

  Array.prototype.forEach.call(root.querySelectorAll("[data-draft-field]"), function (wrapper) {
    fields[wrapper.dataset.draftField] = new Field(wrapper);
  });
  function fieldOf(target) {
    var wrapper = target.closest && target.closest("[data-draft-field]");
    return wrapper ? fields[wrapper.dataset.draftField] : null;
  }

  root.addEventListener("input", function (event) {
    var field = fieldOf(event.target);
    if (field && !field.list) field.touch(false);
  });
  root.addEventListener("change", function (event) {
    var field = fieldOf(event.target);
    if (!field) return;
    if (field.list) {
      if (event.target.type === "checkbox") field.touch(true); // not the partner search box
    } else if (field.dirty) {
      field.touch(true);
    }
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-resolve]");
    if (!button) return;
    var field = fieldOf(button);
    if (field) field.resolve(button.dataset.resolve);
  });
  // With the script, "Save" saves what is unsaved at once instead of posting the whole form.
  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-draft-form]")) return;
    event.preventDefault();
    Array.prototype.forEach.call(form.querySelectorAll("[data-draft-field]"), function (wrapper) {
      var field = fields[wrapper.dataset.draftField];
      if (field.dirty && !field.conflict) field.save();
    });
  });

  var presence = document.getElementById("editor-presence");
  function showPresence(names) {
    var text = names.length ? msg("msgPresent", { names: names.join(", ") }) : "";
    var holder = presence.querySelector("[data-presence-names]");
    if (holder.textContent !== text) holder.textContent = text;
    presence.hidden = !names.length;
  }
  function beat() {
    var versions = {};
    Object.keys(fields).forEach(function (key) {
      if (!fields[key].inFlight) versions[key] = fields[key].version();
    });
    post(root.dataset.heartbeatUrl, [["versions", JSON.stringify(versions)]])
      .then(function (answer) {
        if (answer.status !== 200) return;
        showPresence(answer.data.others || []);
        (answer.data.changed || []).forEach(function (data) {
          if (fields[data.field]) fields[data.field].remote(data);
        });
      })
      .catch(function () { /* the next beat tries again; saves say so themselves */ })
      .then(function () { setTimeout(beat, parseInt(root.dataset.heartbeatMs, 10) || 5000); });
  }
  setTimeout(beat, parseInt(root.dataset.heartbeatMs, 10) || 5000);
})();
