// The dashboard's pages. Each fetches its JSON and builds the page with el() (app.js): data only
// ever reaches the page as text nodes or attribute values, never as HTML.
"use strict";

const FIELDS = ["rating", "results", "good_practices", "limitations", "recommendations"];

function main(...children) {
  document.getElementById("main").replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

function fieldValue(field, value) {
  if (value === null || value === undefined || value === "") return t("empty");
  return field === "rating" ? t("rating_" + value) : String(value);
}

// `missing`: the key shown when there is nothing to review yet.
function reviewBadge(review, missing) {
  const key = review.answered ? review.status : (missing || "not_answered");
  const badge = el("span", {class: "badge state-" + key}, t(key));
  if (review.edited_since_review) badge.append(" · " + t("edited_since_review"));
  return badge;
}

// `canReport` is known from the plan's overview; other pages reuse what it said.
function planNav(plan, canReport) {
  if (canReport === undefined) canReport = App.canReport[plan.code] === true;
  else App.canReport[plan.code] = canReport;
  const nav = document.getElementById("nav");
  const links = [
    el("a", {href: planLink(plan.code, "overview")}, t("overview")),
    el("a", {href: planLink(plan.code, "conflicts")}, t("conflicts")),
    el("a", {href: planLink(plan.code, "conclusions")}, t("conclusions")),
    el("a", {href: planLink(plan.code, "search")}, t("search")),
  ];
  if (canReport) {
    const base = "/plans/" + encodeURIComponent(plan.code);
    const lang = "?lang=" + App.lang;
    links.push(el("a", {href: base + "/report" + lang, target: "_blank", rel: "noopener", id: "report-link"},
                  t("report")));
    links.push(el("a", {href: base + "/export.csv" + lang, download: "", id: "export-csv"}, t("export_csv")));
    links.push(el("a", {href: base + "/export.json" + lang, download: "", id: "export-json"}, t("export_json")));
  }
  nav.replaceChildren(...links);
}

// A small form: a comment box and buttons that post a review decision.
function reviewForm(target, onDone) {
  const comment = el("input", {type: "text", class: "comment", placeholder: t("comment"), "aria-label": t("comment")});
  const message = el("span", {class: "muted", role: "status"});
  const decide = (status) => async () => {
    try {
      await post("review", Object.assign({status, comment: comment.value}, target));
      message.textContent = t("done");
      onDone();
    } catch (e) {
      message.textContent = t("error") + ": " + e.message;
    }
  };
  return el("div", {class: "review-form"}, comment,
            el("button", {type: "button", class: "approve", onclick: decide("approved")}, t("approve")),
            el("button", {type: "button", class: "ask-changes", onclick: decide("needs_changes")}, t("ask_changes")),
            message);
}

const Views = {
  login() {
    document.getElementById("nav").replaceChildren();
    const name = el("input", {id: "login-name", name: "username", autocomplete: "username", required: true});
    const password = el("input", {id: "login-password", name: "password", type: "password",
                                  autocomplete: "current-password", required: true});
    const message = el("p", {class: "error", role: "alert"});
    const form = el("form", {class: "login", id: "login-form"},
                    el("h1", {}, t("login_title")),
                    el("label", {}, t("user_name"), name),
                    el("label", {}, t("password"), password),
                    el("button", {type: "submit"}, t("login")), message);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        App.me = await post("login", {name: name.value, password: password.value});
        if (location.hash.startsWith("#/login")) location.hash = "#/";
        render();
      } catch (e) {
        message.textContent = e.message;
      }
    });
    main(form);
    name.focus();
  },

  async home() {
    const data = await api("plans");
    if (data.plans.length === 1) {
      location.replace(planLink(data.plans[0].code, "overview"));
      return;
    }
    main(el("h1", {}, t("plans")),
         data.plans.length === 0 ? el("p", {}, t("no_plans")) :
           el("ul", {}, data.plans.map((p) => el("li", {}, el("a", {href: planLink(p.code, "overview")},
                                                                p.code + " — " + p.title)))));
  },

  async overview(code) {
    const data = await api("overview", {plan: code});
    planNav(data.plan, data.can_report);
    const totals = data.totals;
    const summary = el("div", {class: "totals", id: "totals"},
      ["items", "answered", "reviewed", "approved", "needs_changes", "open_conflicts"].map((key) =>
        el("div", {class: "total", "data-key": key}, el("span", {class: "number"}, totals[key]),
           el("span", {class: "label"}, t(key)))));
    const visits = data.visits.map((visit) => {
      const rows = visit.units.map((unit) => {
        const c = unit.counts;
        const percent = c.items ? Math.round((100 * c.answered) / c.items) : 0;
        const fill = el("div", {class: "fill"});
        fill.style.width = percent + "%";  // through the DOM: the style policy allows no style attributes
        return el("tr", {"data-unit": unit.code},
          el("td", {}, el("a", {href: "#/unit/" + encodeURIComponent(unit.id)}, unit.name), " ",
             el("span", {class: "muted"}, unit.code)),
          el("td", {}, el("div", {class: "bar", title: percent + "%"}, fill),
             el("div", {class: "chips"}, unit.items.map((item) =>
               el("span", {class: "chip state-" + (item.review.answered ? item.review.status : "not_answered"),
                           title: item.code + " " + item.title + " — " +
                                  t(item.review.answered ? item.review.status : "not_answered")}, item.code)))),
          el("td", {class: "num"}, c.answered + "/" + c.items),
          el("td", {class: "num"}, c.reviewed),
          el("td", {class: "num"}, c.approved),
          el("td", {class: "num"}, c.needs_changes),
          el("td", {class: "num" + (c.open_conflicts ? " warn" : "")}, c.open_conflicts));
      });
      return el("section", {class: "visit"},
        el("h2", {}, visit.code + " · " + visit.date + " · " + visit.title),
        el("p", {}, t("conclusions") + ": ", reviewBadge(visit.conclusion, "no_conclusion")),
        el("table", {class: "progress"},
          el("thead", {}, el("tr", {}, [t("unit"), t("progress"), t("answered"), t("reviewed"), t("approved"),
                                        t("needs_changes"), t("open_conflicts")].map((h) => el("th", {}, h)))),
          el("tbody", {}, rows)));
    });
    main(el("h1", {}, data.plan.code + " — " + data.plan.title),
         el("p", {class: "muted"}, data.plan.issuer + " · " + data.plan.window_start + " → " + data.plan.window_end),
         summary, visits);
  },

  async unit(id) {
    const data = await api("unit", {id});
    planNav(data.plan);
    const reload = () => Views.unit(id);
    const items = data.items.map((item) => {
      const rows = item.fields.map((f) => el("tr", {"data-field": f.field},
        el("th", {}, t("field_" + f.field)),
        el("td", {class: "value"}, fieldValue(f.field, f.value)),
        el("td", {class: "muted"}, f.author ? t("by") + " " + f.author + " · " + formatTime(f.at_ms) : "")));
      const history = el("details", {class: "history"}, el("summary", {}, t("history") + " (" + item.history.length + ")"),
        item.history.length === 0 ? el("p", {class: "muted"}, t("no_history")) :
          el("ol", {}, item.history.map((h) => el("li", {},
            el("span", {class: "muted"}, formatTime(h.at_ms) + " · " + h.author + " · " + t("field_" + h.field) + ": "),
            h.deleted ? t("deleted") : fieldValue(h.field, h.value)))));
      const canReview = data.can_review && item.review.answered;
      return el("article", {class: "item", "data-item": item.code},
        el("h3", {}, item.code + ". " + item.title, " ", reviewBadge(item.review)),
        item.review.comment ? el("p", {class: "comment-shown"}, t("comment") + " (" + item.review.reviewer + "): " +
                                 item.review.comment) : null,
        el("table", {class: "fields"}, el("tbody", {}, rows)),
        canReview ? reviewForm({plan: data.plan.code, unit: data.unit.code, item: item.code}, reload) : null,
        history);
    });
    main(el("p", {}, el("a", {href: planLink(data.plan.code, "overview")}, "← " + t("overview"))),
         el("h1", {}, data.unit.name + " (" + data.unit.code + ")"),
         el("p", {class: "muted"}, t("visit") + " " + data.visit.code + " · " + data.visit.date + " · " +
            data.visit.title + (data.can_review ? "" : " · " + t("read_only"))),
         items);
  },

  async conflicts(code) {
    const data = await api("conflicts", {plan: code});
    planNav(data.plan);
    const side = (label, s, field) => el("div", {class: "side"},
      el("h4", {}, label),
      el("p", {class: "value"}, s.deleted ? t("deleted") : fieldValue(field, s.value)),
      el("p", {class: "muted"}, t("by") + " " + s.author + " · " + formatTime(s.at_ms)));
    const cards = data.conflicts.map((c) => {
      const message = el("p", {class: "muted", role: "status"});
      const resolve = (keep, value) => async () => {
        try {
          await post("resolve", {id: c.id, keep, value});
          Views.conflicts(code);
        } catch (e) {
          message.textContent = t("error") + ": " + e.message;
        }
      };
      const merged = el("textarea", {class: "merged", "aria-label": t("merged_value"), placeholder: t("merged_value"),
                                     rows: 2});
      const actions = c.can_resolve ? el("div", {class: "actions"},
        el("button", {type: "button", class: "keep-winner", onclick: resolve("winner")}, t("keep_current")),
        el("button", {type: "button", class: "keep-loser", onclick: resolve("loser")}, t("keep_other")),
        merged,
        el("button", {type: "button", class: "keep-value", onclick: () => resolve("value", merged.value)()},
           t("save_merged"))) : el("p", {class: "muted"}, t("read_only"));
      return el("article", {class: "conflict", "data-conflict": c.id},
        el("h3", {}, (c.unit.name || c.visit.code) + (c.item.code ? " · " + c.item.code + ". " + c.item.title : "") +
           " · " + t("field_" + c.field)),
        el("div", {class: "sides"}, side(t("current_value"), c.winner, c.field), side(t("other_value"), c.loser, c.field)),
        actions, message);
    });
    main(el("h1", {}, t("conflicts") + " — " + data.plan.code),
         cards.length ? cards : el("p", {id: "no-conflicts"}, t("no_conflicts")));
  },

  async conclusions(code) {
    const data = await api("conclusions", {plan: code});
    planNav(data.plan);
    const cards = data.conclusions.map((c) => {
      const parts = FIELDS.filter((f) => c.parts[f]).map((f) => el("tr", {},
        el("th", {}, t("field_" + f)), el("td", {class: "value"}, fieldValue(f, c.parts[f].value)),
        el("td", {class: "muted"}, t("by") + " " + c.parts[f].author + " · " + formatTime(c.parts[f].at_ms))));
      return el("article", {class: "conclusion", "data-visit": c.visit.code},
        el("h3", {}, c.visit.code + " · " + c.visit.date + " · " + c.visit.title, " ",
           reviewBadge(c.review, "no_conclusion")),
        c.review.comment ? el("p", {class: "comment-shown"}, t("comment") + " (" + c.review.reviewer + "): " +
                              c.review.comment) : null,
        parts.length ? el("table", {class: "fields"}, el("tbody", {}, parts)) : el("p", {class: "muted"}, t("no_conclusion")),
        c.can_review && c.review.answered ? reviewForm({plan: data.plan.code, visit: c.visit.code},
                                                       () => Views.conclusions(code)) : null);
    });
    main(el("h1", {}, t("conclusions") + " — " + data.plan.code), cards);
  },

  async search(code, query) {
    const input = el("input", {type: "search", id: "search-input", value: query || "",
                               placeholder: t("search_placeholder"), "aria-label": t("search")});
    const form = el("form", {class: "search"}, input, el("button", {type: "submit"}, t("search")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      location.hash = planLink(code, "search", input.value);
    });
    const results = el("div", {id: "search-results"});
    main(el("h1", {}, t("search") + " — " + code), form, results);
    const overview = await api("overview", {plan: code});
    planNav(overview.plan, overview.can_report);
    if (!query) return;
    const data = await api("search", {plan: code, q: query});
    results.replaceChildren(
      data.results.length === 0 ? el("p", {}, t("no_results")) : el("ul", {}, data.results.map((r) => el("li", {},
        r.conclusion ? el("a", {href: planLink(code, "conclusions")}, t("conclusions") + " · " + r.visit.code + " · " +
                                                                       r.visit.title)
                     : el("a", {href: "#/unit/" + encodeURIComponent(r.unit.id)},
                          r.unit.name + " · " + r.item.code + ". " + r.item.title),
        el("dl", {}, FIELDS.filter((f) => r.parts[f]).map((f) => [el("dt", {}, t("field_" + f)),
                                                                     el("dd", {}, fieldValue(f, r.parts[f]))]))))),
      data.truncated ? el("p", {class: "muted"}, t("results_truncated")) : null);
  },
};

window.Views = Views;
