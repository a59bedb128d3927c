// The dashboard's shell: language, the JSON API with the session's CSRF token, hash routing, and
// el(), the only way pages build HTML: every text goes in through textContent, never innerHTML,
// because findings are free text typed on tablets.
"use strict";

const App = {
  me: null,  // {user, full_name, role, csrf_token} once logged in
  lang: localStorage.getItem("fieldsync-lang") === "en" ? "en" : "vi",
  canReport: {},  // plan code -> may this user open its report and exports
};

function t(key) {
  return (window.I18N[App.lang] && window.I18N[App.lang][key]) || key;
}

// el("a", {href: "#/", class: "x"}, "text", child...): attributes by setAttribute, text by text nodes.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request(path, options) {
  const response = await fetch(path, Object.assign({credentials: "same-origin"}, options));
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const error = (body && body.error) || {};
    throw new ApiError(response.status, error.code || "http_" + response.status, error.message || response.statusText);
  }
  return body;
}

function api(path, params) {
  const query = new URLSearchParams(params || {}).toString();
  return request("/api/" + path + (query ? "?" + query : ""));
}

function post(path, body) {
  const headers = {"Content-Type": "application/json"};
  if (App.me) headers["X-CSRF-Token"] = App.me.csrf_token;
  return request("/api/" + path, {method: "POST", headers, body: JSON.stringify(body)});
}

function formatTime(ms) {
  if (!ms) return "";
  return new Date(ms).toLocaleString(App.lang === "en" ? "en-GB" : "vi-VN");
}

function planLink(code, page, extra) {
  return "#/" + page + "/" + encodeURIComponent(code) + (extra ? "/" + encodeURIComponent(extra) : "");
}

function showError(error) {
  const main = document.getElementById("main");
  main.replaceChildren(el("p", {class: "error", role: "alert"}, t("error") + ": " + error.message));
}

function renderHeader() {
  document.documentElement.lang = App.lang;
  document.getElementById("lang-switch").textContent = t("other_lang");
  const logout = document.getElementById("logout");
  logout.textContent = t("logout");
  logout.hidden = !App.me;
  const who = document.getElementById("who");
  who.textContent = App.me ? App.me.full_name + " · " + t("role_" + App.me.role) : "";
}

// "#/overview/31-KH%2FBC%C4%90TP" -> ["overview", "31-KH/BCĐTP"]; null for an address that does
// not decode (a link cut inside "%C4%90" or edited by hand), which would otherwise throw and leave
// the page blank.
function route() {
  try {
    return location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  } catch (e) {
    if (e instanceof URIError) return null;
    throw e;
  }
}

function showBadLink() {
  document.getElementById("main").replaceChildren(
    el("p", {class: "error", role: "alert", id: "bad-link"}, t("bad_link")),
    el("p", {}, el("a", {href: "#/", id: "go-home"}, t("go_home"))));
}

async function render() {
  renderHeader();
  const parts = route();
  const nav = document.getElementById("nav");
  nav.replaceChildren();
  if (!App.me) {
    try {
      App.me = await api("me");
      renderHeader();
    } catch (e) {
      Views.login();
      return;
    }
  }
  if (!parts) {
    showBadLink();
    return;
  }
  const [page, ...args] = parts;
  const view = Views[page] || Views.home;
  try {
    await view(...args);
  } catch (e) {
    if (e.status === 401) {
      App.me = null;
      renderHeader();
      Views.login();
    } else {
      showError(e);
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("lang-switch").addEventListener("click", () => {
    App.lang = App.lang === "vi" ? "en" : "vi";
    localStorage.setItem("fieldsync-lang", App.lang);
    render();
  });
  document.getElementById("logout").addEventListener("click", async () => {
    try {
      await post("logout", {});
    } finally {
      App.me = null;
      location.hash = "#/";
      render();
    }
  });
  window.addEventListener("hashchange", render);
  render();
});
