// Hulpmiddelen voor de rondgangen in de browser (issue 15). Gestart door crates/vhf/tests/browser.rs
// (`cargo test -p vhf --test browser`), dat de server start en deze omgeving zet:
//   VHF_BASIS            adres van de server, bv. http://127.0.0.1:41234
//   VHF_SCHERMAFDRUKKEN  map voor de schermafdrukken (leeg: geen schermafdrukken)
//   VHF_CHROMIUM         de Chromium die gestart wordt (standaard /usr/bin/chromium, Debian's pakket `chromium`)
//   VHF_DATABASE         alleen voor de samenvatting (SQLite of PostgreSQL)
// Tegen een zelf gestarte `vhf serve --demo` kan het ook: VHF_BASIS=http://127.0.0.1:8080 node tests/browser/rondgang.mjs
//
// playwright-core en axe-core komen uit tests/diensten/node_modules (npm ci --prefix tests/diensten). playwright-core
// downloadt geen browser: we geven altijd executablePath mee.
//
// axe onder de CSP van de server: de server stuurt `script-src 'self'` zonder 'unsafe-inline', dus
// page.addScriptTag({ content }) wordt geweigerd (een inline <script>). We laden axe daarom met
// page.evaluate(bron): dat gaat via het DevTools-protocol (Runtime.evaluate) en valt niet onder de CSP van de
// pagina. bypassCSP: true gebruiken we bewust niet: dan zou de browser de CSP ook voor de pagina zelf negeren, en
// zou een pagina die zonder inline script of inline stijl niet werkt hier toch slagen. Nu blijft de echte CSP
// gelden en telt elke CSP-weigering (een consolefout) als fout op de pagina.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(new URL('../diensten/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const AXE_BRON = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_VERSIE = require('axe-core/package.json').version;

export const BASIS = (process.env.VHF_BASIS || 'http://127.0.0.1:8080').replace(/\/$/, '');
const SCHERMAFDRUKKEN = process.env.VHF_SCHERMAFDRUKKEN || '';
const CHROMIUM = process.env.VHF_CHROMIUM || '/usr/bin/chromium';
const DATABASE = process.env.VHF_DATABASE || '?';

/** De regels van axe die gelden: WCAG 2.0 en 2.1, niveau A en AA. */
export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Elke pagina die bezoek() controleerde: { stap, naam, pad, status, schendingen, bekend, fouten, onbeslist }. */
const bezocht = [];
/** Elke stap: { naam, ok, fout, ms }. */
const stappen = [];
/** Bekende afwijkingen (sleutel → is hij voorgekomen?), uit start({ bekend }). */
const bekende = new Map();
/** Wat de browser sinds de laatste controle meldde: consolefouten (ook CSP-weigeringen), scriptfouten, bronnen ≥ 400. */
let meldingen = [];
/** Het antwoord op de laatste navigatie van het hoofdframe, per pagina. */
const laatsteAntwoord = new WeakMap();
let browser;
/** De pagina van start(), voor de schermafdruk bij een mislukte stap. */
let hoofdpagina;
let huidigeStap = '(geen stap)';

const pad_van = (url) => {
  const u = new URL(url);
  return u.origin === BASIS ? u.pathname + u.search : url;
};

/**
 * Start Chromium (headless) met een context zoals een Nederlandse gebruiker die heeft. `bekend`: sleutels van
 * afwijkingen die (tijdelijk) geen fout zijn, zie bekend(). Geeft { browser, context, page }.
 */
export async function start({ bekend = [] } = {}) {
  for (const b of bekend) bekende.set(b, false);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  volg(page);
  hoofdpagina = page;
  return { browser, context, page };
}

/** Luistert naar wat de browser over de pagina meldt; bezoek() en stap() rekenen het toe. */
function volg(page) {
  page.on('response', (r) => {
    const v = r.request();
    if (v.isNavigationRequest() && r.frame() === page.mainFrame()) {
      laatsteAntwoord.set(page, r);
    } else if (r.status() >= 400) {
      meldingen.push(`bron ${pad_van(r.url())}: ${r.status()}`);
    }
  });
  page.on('requestfailed', (v) => meldingen.push(`bron ${pad_van(v.url())} niet geladen: ${v.failure()?.errorText}`));
  page.on('pageerror', (e) => meldingen.push(`scriptfout: ${e.message}`));
  page.on('console', (m) => {
    // "Failed to load resource" staat al (met adres) in de bronnen hierboven; Chromium vraagt ook uit zichzelf
    // /favicon.ico, en dat is geen fout van de pagina.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) meldingen.push(`console: ${m.text()}`);
  });
}

/**
 * Een afwijking die we nu nog accepteren (zie de lijst in rondgang.mjs). Geeft true als `sleutel` in die lijst
 * staat, en onthoudt dat hij voorkwam; een sleutel die in de hele rondgang niet voorkomt, laat klaar() falen,
 * zodat de lijst niet langer wordt dan nodig.
 */
export function bekend(sleutel) {
  if (!bekende.has(sleutel)) return false;
  bekende.set(sleutel, true);
  return true;
}

/**
 * Een stap van de rondgang. Stappen draaien na elkaar; een mislukte stap wordt genoteerd (met een schermafdruk in
 * de tijdelijke map) en de volgende stappen draaien toch, dus begin elke stap met een eigen page.goto() of
 * log_in_als(). Een melding van de browser die geen bezoek() toerekende (consolefout, CSP, kapotte bron) laat
 * de stap falen.
 */
export async function stap(naam, fn) {
  huidigeStap = naam;
  meldingen = [];
  const begin = Date.now();
  try {
    await fn();
    if (meldingen.length) throw new Error(`de browser meldde buiten een bezoek(): ${meldingen.join('; ')}`);
    stappen.push({ naam, ok: true, ms: Date.now() - begin });
    console.log(`ok    ${naam} (${Date.now() - begin} ms)`);
  } catch (e) {
    stappen.push({ naam, ok: false, fout: e?.message ?? String(e), ms: Date.now() - begin });
    console.log(`FOUT  ${naam}: ${e?.stack ?? e}`);
    if (hoofdpagina) {
      const bestand = path.join(os.tmpdir(), `vhf-browser-fout-${bestandsnaam(naam)}.png`);
      try {
        await hoofdpagina.screenshot({ path: bestand, fullPage: true });
        console.log(`      schermafdruk van de fout: ${bestand} (pagina ${pad_van(hoofdpagina.url())})`);
      } catch {}
    }
  } finally {
    meldingen = [];
    huidigeStap = '(geen stap)';
  }
}

const bestandsnaam = (s) => s.normalize('NFD').replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-|-$/g, '').toLowerCase();

/**
 * Controleert de pagina waar de browser nu staat (na een navigatie): het antwoord heeft status `status`
 * (standaard 200) en is HTML met <html lang="nl">; axe-core (WCAG 2.1 A en AA) vindt geen schendingen; de browser
 * meldde geen consolefouten, CSP-weigeringen, scriptfouten of kapotte bronnen. Schendingen en meldingen worden
 * genoteerd (klaar() laat ze de run doen falen); een pagina die geen HTML is of de verkeerde status heeft, laat de
 * stap meteen falen. `naam` is de naam van de pagina in de samenvatting.
 */
export async function bezoek(page, naam, { status = 200 } = {}) {
  await page.waitForLoadState('load');
  const r = laatsteAntwoord.get(page);
  if (!r) throw new Error(`${naam}: geen navigatie gezien`);
  const pad = pad_van(page.url());
  const soort = r.headers()['content-type'] ?? '';
  if (r.status() !== status) throw new Error(`${naam} (${pad}): status ${r.status()}, verwacht ${status}`);
  if (!soort.startsWith('text/html')) throw new Error(`${naam} (${pad}): geen HTML maar ${soort || 'geen Content-Type'}`);
  const taal = await page.evaluate(() => document.documentElement.getAttribute('lang'));
  if (taal !== 'nl') throw new Error(`${naam} (${pad}): <html lang="${taal}">, verwacht lang="nl"`);

  await page.evaluate(AXE_BRON);
  const uitslag = await page.evaluate(async (tags) => {
    const u = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    const kort = (v) => ({ id: v.id, impact: v.impact, help: v.help, doelen: v.nodes.slice(0, 3).map((n) => n.target.join(' ')), aantal: v.nodes.length });
    return { schendingen: u.violations.map(kort), onbeslist: u.incomplete.map((v) => v.id) };
  }, WCAG);
  const schendingen = [];
  const bekendGevonden = [];
  for (const s of uitslag.schendingen) (bekend(`axe:${naam}:${s.id}`) ? bekendGevonden : schendingen).push(s);
  const fouten = meldingen;
  meldingen = [];
  bezocht.push({ stap: huidigeStap, naam, pad, status: r.status(), schendingen, bekend: bekendGevonden, fouten, onbeslist: uitslag.onbeslist });
  return { schendingen, fouten };
}

/**
 * Bewaart een schermafdruk van de hele pagina als VHF_SCHERMAFDRUKKEN/<naam>.png (als die map gezet is).
 * `afdekken`: locators van wat per run anders is (wat het willekeurige id van een aanvraag toont, zoals het
 * ontvangstnummer); die worden met een grijs vlak afgedekt, zodat dezelfde pagina dezelfde afbeelding geeft.
 */
export async function schermafdruk(page, naam, { afdekken = [] } = {}) {
  if (!SCHERMAFDRUKKEN) return;
  fs.mkdirSync(SCHERMAFDRUKKEN, { recursive: true });
  // De muis staat nog waar de laatste klik was; wat daar nu ligt, zou een hover-stijl krijgen (en per run net anders).
  await page.mouse.move(0, 0);
  await page.screenshot({
    path: path.join(SCHERMAFDRUKKEN, `${naam}.png`),
    fullPage: true,
    animations: 'disabled',
    caret: 'hide',
    mask: afdekken,
    maskColor: '#b2b2b2',
  });
}

/** Wie is er ingelogd in deze browser? Het id van de gebruiker (via GET /api/v1/ik met het sessiecookie), of null. */
export async function ingelogd_als(page) {
  const r = await page.request.get(`${BASIS}/api/v1/ik`);
  if (r.status() === 401) return null;
  if (!r.ok()) throw new Error(`/api/v1/ik: status ${r.status()}`);
  return (await r.json()).id;
}

/**
 * Doet `actie` (een klik, een toets) en wacht tot de pagina die daarop volgt geladen is. Ook als het adres
 * hetzelfde blijft (uitloggen op / gaat naar /): page.waitForURL() zou dan meteen klaar zijn, en de volgende
 * page.goto() breekt de nog lopende navigatie af (net::ERR_ABORTED). Met `naar` controleert hij het adres: een pad
 * (precies, met ?zoekdeel en #anker), of een RegExp op pad + ?zoekdeel + #anker (voor een adres met een nieuw id).
 * Geeft het pad waar de browser nu staat.
 */
export async function wacht_op_navigatie(page, actie, { naar } = {}) {
  const genavigeerd = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
  await actie();
  await genavigeerd;
  await page.waitForLoadState('load');
  const u = new URL(page.url());
  const hier = u.pathname + u.search + u.hash;
  const klopt = naar === undefined || (naar instanceof RegExp ? u.origin === BASIS && naar.test(hier) : page.url() === `${BASIS}${naar}`);
  if (!klopt) throw new Error(`na de navigatie op ${pad_van(page.url())}, verwacht ${naar}`);
  return hier;
}

/**
 * Logt in met de ontwikkel-login (formulier op /auth/inloggen, met de muis) en controleert dat het lukte en dat de
 * browser op `naar` uitkomt: de startpagina van de rol (aanvrager /aanvragen, behandelaar /behandeling, de
 * anderen /; web/pagina.rs, startpagina()).
 */
export async function log_in_als(page, gebruikerId, { naar = '/' } = {}) {
  await page.goto(`${BASIS}/auth/inloggen`);
  await page.locator('select[name="gebruiker"]').selectOption(gebruikerId);
  const formulier = page.locator('form[action="/auth/ontwikkel"]');
  await wacht_op_navigatie(page, () => formulier.locator('button[type="submit"]').click(), { naar });
  const wie = await ingelogd_als(page);
  if (wie !== gebruikerId) throw new Error(`inloggen als ${gebruikerId}: nu ingelogd als ${wie}`);
}

/** Logt uit met de knop Uitloggen (op de huidige pagina, anders op /) en controleert dat de sessie weg is. */
export async function log_uit(page) {
  let knop = page.getByRole('button', { name: 'Uitloggen' });
  if ((await knop.count()) === 0) {
    await page.goto(`${BASIS}/`);
    knop = page.getByRole('button', { name: 'Uitloggen' });
  }
  await wacht_op_navigatie(page, () => knop.first().click(), { naar: '/' });
  const wie = await ingelogd_als(page);
  if (wie !== null) throw new Error(`na uitloggen nog ingelogd als ${wie}`);
}

/**
 * Gereedschap om een formulier met alleen het toetsenbord te gebruiken:
 *   const t = met_toetsenbord(page);
 *   await t.tab_naar('select[name="gebruiker"]');   // Tab tot de focus daar is (en zichtbaar is)
 *   await t.kies('demo-aanvrager');                 // pijltjestoetsen in de gefocuste <select>
 *   await t.typ('tekst');                           // typen in het gefocuste veld
 *   await t.druk('Enter', { naar: '/' });           // toets, wacht op de volgende pagina, controleer het adres
 * Elke tab_naar controleert ook dat het gefocuste element een zichtbare focusrand heeft (WCAG 2.4.7; axe
 * controleert dat niet): standaard een outline of box-shadow. Een element dat zijn focus anders toont (een link op
 * de SVG-kaart kleurt de rand van zijn vlak), geeft met `focusstijl` een eigen controle mee: een functie die in de
 * pagina draait met het gefocuste element en true geeft als de focus zichtbaar is, en anders een tekst met wat
 * er ontbreekt.
 */
export function met_toetsenbord(page) {
  const actief = () =>
    page.evaluate(() => {
      const e = document.activeElement;
      if (!e || e === document.body) return '(niets)';
      const a = (n) => (e.getAttribute(n) ? `[${n}=${e.getAttribute(n)}]` : '');
      return e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + a('name') + a('href');
    });
  return {
    async tab_naar(selector, { max = 40, terug = false, focusstijl = null } = {}) {
      const langs = [];
      for (let i = 1; i <= max; i++) {
        await page.keyboard.press(terug ? 'Shift+Tab' : 'Tab');
        const hier = await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);
        if (hier) {
          if (focusstijl) {
            const uitslag = await page.locator(':focus').evaluate(focusstijl);
            if (uitslag !== true) throw new Error(`${selector} heeft focus maar geen zichtbare focusstijl: ${uitslag}`);
            return i;
          }
          const zichtbaar = await page.evaluate(() => {
            const st = getComputedStyle(document.activeElement);
            return (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0) || st.boxShadow !== 'none';
          });
          if (!zichtbaar) throw new Error(`${selector} heeft focus maar geen zichtbare focusrand (outline of box-shadow)`);
          return i;
        }
        langs.push(await actief());
      }
      throw new Error(`${selector} kreeg geen focus na ${max} keer Tab; langs: ${langs.join(' → ')}`);
    },
    async kies(waarde) {
      const n = await page.evaluate(() => (document.activeElement instanceof HTMLSelectElement ? document.activeElement.options.length : -1));
      if (n < 0) throw new Error(`kies(${waarde}): de focus staat niet op een <select> maar op ${await actief()}`);
      await page.keyboard.press('Home');
      for (let i = 0; i < n; i++) {
        if ((await page.evaluate(() => document.activeElement.value)) === waarde) return;
        await page.keyboard.press('ArrowDown');
      }
      throw new Error(`kies(${waarde}): die optie is met de pijltjestoetsen niet te bereiken`);
    },
    async typ(tekst) {
      await page.keyboard.type(tekst);
    },
    async druk(toets, { naar } = {}) {
      if (naar === undefined) return page.keyboard.press(toets);
      await wacht_op_navigatie(page, () => page.keyboard.press(toets), { naar });
    },
    actief,
  };
}

/**
 * Navigeert naar `pad` en controleert alleen de status (voor antwoorden die (nog) geen pagina zijn). Geeft het
 * antwoord, zodat de stap verder kan kijken (content-type, bezoek()).
 */
export async function verwacht_status(page, pad, status) {
  const r = await page.goto(`${BASIS}${pad}`);
  if (r.status() !== status) throw new Error(`${pad}: status ${r.status()}, verwacht ${status}`);
  return r;
}

/** Sluit de browser, drukt de samenvatting af en eindigt: 0 als alles goed was, anders 1. */
export async function klaar() {
  await browser?.close();
  const breed = (s, n) => String(s).padEnd(n);
  const regels = [];
  regels.push('', `Rondgang in de browser (${DATABASE}, axe-core ${AXE_VERSIE}, ${WCAG.join(' ')})`, '');
  regels.push(`${breed('pagina', 28)} ${breed('pad', 44)} ${breed('status', 6)} ${breed('axe', 4)} ${breed('bekend', 6)} ${breed('meldingen', 9)} stap`);
  for (const b of bezocht) {
    regels.push(`${breed(b.naam, 28)} ${breed(b.pad, 44)} ${breed(b.status, 6)} ${breed(b.schendingen.length, 4)} ${breed(b.bekend.length, 6)} ${breed(b.fouten.length, 9)} ${b.stap}`);
  }
  const fouten = [];
  for (const b of bezocht) {
    for (const s of b.schendingen) {
      fouten.push(`axe op ${b.naam} (${b.pad}): ${s.id} [${s.impact}] ${s.help}; ${s.aantal} element(en), o.a. ${s.doelen.join(' | ')}`);
    }
    for (const f of b.fouten) fouten.push(`browser op ${b.naam} (${b.pad}): ${f}`);
  }
  for (const s of stappen.filter((s) => !s.ok)) fouten.push(`stap '${s.naam}' faalde: ${s.fout.split('\n')[0]}`);
  for (const [sleutel, gezien] of bekende) {
    if (!gezien) fouten.push(`'${sleutel}' staat in de lijst van bekende afwijkingen maar kwam niet voor: haal hem uit die lijst (rondgang.mjs)`);
  }
  const bekendLijst = bezocht.flatMap((b) => b.bekend.map((s) => `axe op ${b.naam}: ${s.id} (bekend)`));
  const gebruikt = [...bekende].filter(([, g]) => g).map(([k]) => k);
  regels.push('', `stappen: ${stappen.length}, mislukt: ${stappen.filter((s) => !s.ok).length}; pagina's gecontroleerd: ${bezocht.length}`);
  if (gebruikt.length) regels.push(`bekende afwijkingen (tijdelijk geen fout): ${gebruikt.join(', ')}`, ...bekendLijst);
  const onbeslist = new Map();
  for (const b of bezocht) for (const id of b.onbeslist) onbeslist.set(id, [...(onbeslist.get(id) ?? []), b.naam]);
  if (onbeslist.size) {
    const lijst = [...onbeslist].map(([id, paginas]) => `${id} (${paginas.length > 4 ? `${paginas.slice(0, 4).join(', ')} en ${paginas.length - 4} meer` : paginas.join(', ')})`);
    regels.push(`axe kon niet beslissen (met de hand nakijken): ${lijst.join('; ')}`);
  }
  if (SCHERMAFDRUKKEN) regels.push(`schermafdrukken in ${SCHERMAFDRUKKEN}`);
  if (fouten.length) regels.push('', 'FOUTEN:', ...fouten.map((f) => `  - ${f}`));
  console.log(regels.join('\n'));
  process.exit(fouten.length ? 1 : 0);
}
