// Drives /docs in headless Chromium as a person would, and fails on the
// first thing that reads wrong. Run by scripts/check-docs-in-browser.
//
//   node scripts/docs-in-browser.js BASE_URL CHROMIUM_PATH
const puppeteer = require("puppeteer-core");

const [base, chromium] = process.argv.slice(2);
const EMAIL = "ada@example.com";

function check(condition, what, seen) {
  if (!condition) {
    throw new Error(`${what}; saw: ${JSON.stringify(seen)}`);
  }
  console.log(`ok: ${what}`);
}

async function padlocks(page) {
  return page.$$eval(".opblock", (blocks) =>
    Object.fromEntries(
      blocks.map((block) => {
        const method = block.querySelector(".opblock-summary-method").textContent;
        const path = block.querySelector(".opblock-summary-path").getAttribute("data-path");
        const lock = block.querySelector(".authorization__btn");
        return [`${method.toLowerCase()} ${path}`, lock ? lock.getAttribute("aria-label") : null];
      }),
    ),
  );
}

/** Logs in through the Authorize dialog; returns what the dialog shows. */
async function authorize(page, email, password) {
  await page.click(".auth-wrapper .authorize");
  await page.waitForSelector(".modal-ux");
  // The dialog holds one form per scheme; the OAuth2 one has the username.
  let form = null;
  for (const candidate of await page.$$(".modal-ux .auth-container")) {
    if (await candidate.$("input#oauth_username")) form = candidate;
  }
  await (await form.$("input#oauth_username")).type(email);
  await (await form.$("input#oauth_password")).type(password);
  const answered = page.waitForResponse((response) => response.url().endsWith("/login"));
  await (await form.$("button.authorize")).click();
  await answered;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const shown = await page.$$eval(".modal-ux .errors, .modal-ux .auth-container h6", (nodes) =>
    nodes.map((node) => node.innerText.trim()).filter(Boolean),
  );
  await page.click(".modal-ux button.close-modal");
  return shown.join(" | ");
}

/** Tries an operation with its example as filled in; `params` fills the rest. */
async function tryOut(page, operation, params = {}) {
  const block = `#operations-${operation}`;
  await page.click(`${block} .opblock-summary-control`);
  await page.waitForSelector(`${block} .try-out__btn`);
  await page.click(`${block} .try-out__btn`);
  for (const [name, value] of Object.entries(params)) {
    await page.type(`${block} tr[data-param-name="${name}"] input`, value);
  }
  await page.click(`${block} .execute`);
  const status = `${block} .live-responses-table tbody .response-col_status`;
  await page.waitForSelector(status);
  return {
    status: await page.$eval(status, (node) => node.innerText.trim()),
    curl: await page.$eval(`${block} .curl-command`, (node) => node.innerText),
  };
}

(async () => {
  const doc = await (await fetch(`${base}/openapi.json`)).json();

  const browser = await puppeteer.launch({ executablePath: chromium, args: ["--no-sandbox"] });
  const page = await browser.newPage();
  const elsewhere = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) elsewhere.push(url);
  });
  const logins = [];
  page.on("response", async (response) => {
    if (response.url().endsWith("/login")) logins.push(`${response.status()} ${await response.text()}`);
  });
  await page.goto(`${base}/docs/`, { waitUntil: "networkidle0" });
  await page.waitForSelector(".opblock");

  check((await page.title()) === "Agora API", "the tab says what it documents", await page.title());

  const needsToken = (operation) =>
    (operation.security || []).length > 0 &&
    !operation.security.some((requirement) => Object.keys(requirement).length === 0);
  const locks = await padlocks(page);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const expected = needsToken(operation) ? "authorization button unlocked" : null;
      check(locks[`${method} ${path}`] === expected, `${method} ${path}: ${expected || "no padlock"} before login`, locks[`${method} ${path}`]);
    }
  }

  const registered = await tryOut(page, "accounts-register");
  check(registered.status === "201", "POST /users registers the example account as filled in", registered);
  const loggedIn = await tryOut(page, "accounts-login");
  check(loggedIn.status === "200", "POST /login logs it in as filled in", loggedIn);

  const refused = await authorize(page, EMAIL, "not the password");
  console.log(`  a failed Authorize login shows: ${refused}`);
  console.log(`  /login answered: ${logins.at(-1)}`);
  check(refused.includes("invalid_grant") && refused.includes("incorrect email or password"), "a failed login says why", refused);

  await page.reload({ waitUntil: "networkidle0" });
  await page.waitForSelector(".opblock");
  const accepted = await authorize(page, EMAIL, "correct horse");
  check(accepted.includes("Authorized"), "the right password authorises", accepted);
  const after = await padlocks(page);
  const closed = Object.values(after).filter((label) => label === "authorization button locked").length;
  const protectedCount = Object.values(locks).filter(Boolean).length;
  check(closed === protectedCount, `all ${protectedCount} padlocks close after login`, after);

  const patched = await tryOut(page, "accounts-update_me");
  check(patched.status === "200", "PATCH /users/me succeeds as filled in", patched);
  check(!patched.curl.includes("password"), "and leaves the password alone", patched.curl);

  for (const [operation, params, status] of [
    ["posts-create_post", {}, "201"],
    ["posts-replace_post", { id: "1" }, "200"],
    ["posts-patch_post", { id: "1" }, "200"],
  ]) {
    const tried = await tryOut(page, operation, params);
    check(tried.status === status, `${operation} answers ${status} as filled in`, tried);
  }
  const listed = await tryOut(page, "posts-list_posts");
  check(listed.status === "200" && /Authorization: Bearer/.test(listed.curl), "GET /posts has no padlock but sends the token", listed);
  const limit = await page.$eval('#operations-posts-list_posts tr[data-param-name="limit"] .parameters-col_description', (node) => node.innerText);
  check(limit.includes("1 to 100, 20 when absent"), "limit's range shows before any value is tried", limit);

  const deleted = await tryOut(page, "accounts-delete_me");
  check(deleted.status === "204", "DELETE /users/me deletes the example account as filled in", deleted);

  await page.reload({ waitUntil: "networkidle0" });
  await page.waitForSelector(".opblock");
  let throttled = "";
  for (let attempt = 1; attempt <= 12 && !throttled; attempt++) {
    const shown = await authorize(page, "eve@example.com", "not the password");
    if (logins.at(-1).startsWith("429")) throttled = shown;
  }
  console.log(`  a throttled Authorize login shows: ${throttled}`);
  check(/in \d+ seconds/.test(throttled), "a 429 in the dialog says when to retry", throttled);

  check(elsewhere.length === 0, "the page loads nothing from other hosts", elsewhere);
  await browser.close();
})().catch((error) => {
  console.error(`FAILED: ${error.message}`);
  process.exit(1);
});
