// cellbook serve: live reload and build errors. Added to pages by the dev server only, as a file
// (the pages' Content-Security-Policy runs no inline script it does not know); its tag says where
// the events are and which build the page is from.
(() => {
  const tag = document.currentScript;
  const events = tag.dataset.events;
  const loaded = tag.dataset.loaded;
  let overlay = null;

  function show(errors) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "cellbook-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:1.5rem 2rem;" +
        "background:rgba(24,4,4,.94);color:#fde8e8;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = "×";
      close.title = "Hide (the site shown is the last good build)";
      close.style.cssText = "float:right;font-size:1.5rem;background:none;border:0;color:inherit;cursor:pointer;";
      close.addEventListener("click", hide);
      const title = document.createElement("strong");
      title.textContent = "The site has errors. Showing the last good build; fix them and save to reload.";
      overlay.append(close, title, document.createElement("pre"));
      overlay.lastChild.style.cssText = "white-space:pre-wrap;margin-top:1rem;";
    }
    // Text, never HTML: messages quote the page's own source.
    overlay.lastChild.textContent = errors.join("\n");
    if (!overlay.isConnected) document.documentElement.append(overlay);
  }

  function hide() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  const source = new EventSource(events);
  source.addEventListener("hello", (e) => {
    // A build finished between this page's download and now, or the server was restarted.
    if (JSON.parse(e.data).id !== loaded) location.reload();
  });
  source.addEventListener("reload", () => location.reload());
  source.addEventListener("failed", (e) => show(JSON.parse(e.data).errors));
})();
