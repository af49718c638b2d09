// Post the token once; the server answers with an HttpOnly session cookie (reads only) and we
// go back to the page asked for. Only same-origin paths are followed (no open redirect).
document.getElementById("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const token = document.getElementById("token").value.trim();
  const r = await fetch("/session", { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  if (r.status !== 204) {
    const body = await r.json().catch(() => ({}));
    document.getElementById("login-error").textContent = body.detail || `refused (${r.status})`;
    return;
  }
  const next = new URLSearchParams(location.search).get("next") || "/";
  location.assign(next.startsWith("/") && !next.startsWith("//") ? next : "/");
});
