// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  for (const button of document.querySelectorAll("[data-back]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.history.back());
  }
  // A text with a limit shows how much is left, and is never cut: over the limit, the form says so
  // and is not sent, so the text stays where the writer can shorten it.
  for (const area of document.querySelectorAll("textarea[data-max-chars]")) {
    const max = Number(area.dataset.maxChars);
    const counter = document.getElementById(area.dataset.counter);
    if (!counter) continue;
    const template = counter.dataset.template;
    const over = counter.dataset.over;
    const update = () => {
      const count = area.value.length;
      const tooLong = count > max;
      counter.textContent = (tooLong ? over : template)
        .replace("{count}", count.toLocaleString())
        .replace("{max}", max.toLocaleString())
        .replace("{extra}", (count - max).toLocaleString());
      counter.classList.toggle("over", tooLong);
      area.setAttribute("aria-invalid", tooLong ? "true" : "false");
      return tooLong;
    };
    counter.hidden = false;
    update();
    area.addEventListener("input", update);
    area.form?.addEventListener("submit", (event) => {
      if (update()) {
        event.preventDefault();
        area.focus();
      }
    });
  }
});

// Passkeys (WebAuthn): the page gives the options as JSON; the browser's answer goes back in a form.
(() => {
  const toBytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  };
  const toText = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  const creationOptions = (o) => ({
    ...o,
    challenge: toBytes(o.challenge),
    user: { ...o.user, id: toBytes(o.user.id) },
    excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
  });
  const requestOptions = (o) => ({
    ...o,
    challenge: toBytes(o.challenge),
    allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
  });
  const answer = (credential, create) => {
    const r = credential.response;
    const response = { clientDataJSON: toText(r.clientDataJSON) };
    if (create) {
      response.attestationObject = toText(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      if (r.userHandle) response.userHandle = toText(r.userHandle);
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: credential.getClientExtensionResults(),
      ...(credential.authenticatorAttachment ? { authenticatorAttachment: credential.authenticatorAttachment } : {}),
    });
  };
  document.addEventListener("DOMContentLoaded", () => {
    if (!window.PublicKeyCredential) return;
    for (const form of document.querySelectorAll("form[data-passkey]")) {
      const source = document.getElementById(form.dataset.options);
      const button = form.querySelector("button[type=button]");
      if (!source || !button) continue;
      const create = form.dataset.passkey === "create";
      const error = form.querySelector("[data-passkey-error]");
      form.querySelector("[data-passkey-missing]")?.setAttribute("hidden", "");
      button.hidden = false;
      button.addEventListener("click", async () => {
        const options = JSON.parse(source.textContent);
        try {
          const credential = create
            ? await navigator.credentials.create({ publicKey: creationOptions(options) })
            : await navigator.credentials.get({ publicKey: requestOptions(options) });
          form.querySelector("input[name=credential]").value = answer(credential, create);
          form.submit();
        } catch (e) {
          if (error) error.hidden = false;
        }
      });
    }
  });
})();
