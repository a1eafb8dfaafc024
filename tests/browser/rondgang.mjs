// De rondgang door de site in een echte browser (issue 15), als reeks benoemde stappen. Gestart door
// `cargo test -p vhf --test browser` (zie crates/vhf/tests/browser.rs), op SQLite en op PostgreSQL, tegen een
// server met de demoronde (vhf serve --demo) en de ontwikkel-login, met een vaste klok (2021-05-10 12:00, het
// loket is open).
//
// De volgorde: elke rol op zijn startpagina; de aanvrager maakt een aanvraag (eerst met een fout in het formulier),
// vult deelplan DP1 in en dient in met alleen het toetsenbord (ontvangstbewijs); de behandelaar filtert de
// werkvoorraad, verklaart die aanvraag en twee andere tegelijk ontvankelijk en opent de zaakpagina; zonder in te
// loggen het dashboard en de toegankelijkheidsverklaring; een andere aanvrager krijgt 404 op dat dossier, wie niet
// is ingelogd 401 op /aanvragen, en een onbekend adres een Nederlandse 404. De stappen na de eerste aanvraagstap
// gebruiken de aanvraag die die stap maakte (aanvraagId).
//
// Een pagina toevoegen: een stap erbij met page.goto(...), dan bezoek(page, 'naam') (HTML, lang="nl", axe WCAG 2.1
// A/AA, geen consolefouten of CSP-weigeringen) en, voor een hoofdpagina, schermafdruk(page, 'naam') (komt in
// docs/schermafdrukken/; noem hem in docs/schermafdrukken/README.md). Begin elke stap vanaf een eigen adres of
// log_in_als(): na een mislukte stap draaien de volgende toch.

import {
  BASIS,
  bezoek,
  ingelogd_als,
  klaar,
  log_in_als,
  log_uit,
  met_toetsenbord,
  schermafdruk,
  start,
  stap,
  verwacht_status,
  wacht_op_navigatie,
} from './hulp.mjs';

// Bekende afwijkingen die de test nu nog niet laten falen. Elke andere afwijking laat de test falen, en een sleutel
// die niet meer voorkomt ook (haal hem dan weg). Sleutels: 'axe:<pagina>:<regel van axe>' voor een schending op
// een pagina, of een eigen sleutel die een stap met bekend('...') vraagt. Nu leeg: sinds de askama-pagina's en de
// Nederlandse 404 voor onbekende adressen is er niets meer te accepteren.
const BEKEND = [];

/** Een demogebruiker per rol (crates/vhf/src/server/demo.rs; de commissieleden heten L1…L9), met de pagina waar
 * hij na het inloggen op uitkomt (web/pagina.rs, startpagina()). */
const ROLLEN = [
  { rol: 'aanvrager', id: 'demo-aanvrager', start: '/aanvragen' },
  { rol: 'behandelaar', id: 'demo-behandelaar', start: '/behandeling' },
  { rol: 'commissielid', id: 'L1', start: '/beoordeling' },
  { rol: 'beslisser', id: 'demo-beslisser', start: '/verdeling' },
  { rol: 'auditor', id: 'demo-auditor', start: '/' },
  { rol: 'beheerder', id: 'demo-beheerder', start: '/' },
];
const START = Object.fromEntries(ROLLEN.map((r) => [r.id, r.start]));
START['demo-aanvrager-2'] = '/aanvragen';

/** De aanvraag die de rondgang zelf maakt en indient (de database is per run nieuw, dus het kenmerk is vrij). */
const NIEUW = {
  ronde: 'vhf-2021',
  kenmerk: 'BROWSERTEST-2021-01',
  titel: 'Wijkaanpak Vogelbuurt (browsertest)',
  contact_naam: 'Anne Aanvrager',
  contact_email: 'anne.aanvrager@gemeente.example',
  contact_telefoon: '0527 123 456',
  start: '2021-10-01',
  einde: '2024-12-31',
  deelplan_naam: 'Vogelbuurt',
};
/** Het id van die aanvraag, zodra de stap die hem maakt geslaagd is. */
let aanvraagId = null;

const { page } = await start({ bekend: BEKEND });

/** Zorgt dat `id` ingelogd is (een eerdere stap kan halverwege zijn misgegaan). */
async function als(id) {
  if ((await ingelogd_als(page)) !== id) await log_in_als(page, id, { naar: START[id] });
}

/** De aanvraag van de rondgang, of een duidelijke fout als de stap die hem maakt mislukte. */
function aanvraag() {
  if (!aanvraagId) throw new Error('de aanvraag van de rondgang bestaat niet: de stap die hem maakt, mislukte');
  return aanvraagId;
}

/** De tekst van een element, met gewone spaties (bedragen hebben een harde spatie na het euroteken). */
async function tekst(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Controleert het foutoverzicht: zichtbaar, met precies deze velden, en elke link wijst naar een bestaand veld. */
async function foutoverzicht(velden) {
  const overzicht = page.locator('#foutoverzicht');
  if (!(await overzicht.isVisible())) throw new Error('geen foutoverzicht (#foutoverzicht) op de pagina');
  const links = await overzicht.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const verwacht = velden.map((v) => `#${v}`);
  if (JSON.stringify(links) !== JSON.stringify(verwacht)) throw new Error(`foutoverzicht linkt naar ${links.join(', ')}, verwacht ${verwacht.join(', ')}`);
  for (const l of links) {
    const bestaat = await page.evaluate((id) => document.getElementById(id) !== null, l.slice(1));
    if (!bestaat) throw new Error(`foutoverzicht linkt naar ${l}, maar dat veld bestaat niet`);
  }
}

/** Wat op het dossier het (willekeurige) id van de aanvraag toont: het API-adres voor documenten. Afgedekt op de
 * schermafdruk, zodat dezelfde pagina dezelfde afbeelding geeft. */
const met_id = (page) => page.locator('section[aria-labelledby="documenten-kop"] code');

/** Het berekende blok van een deelplan in het dossier, als { label: waarde }. */
async function cijfers(deelplan) {
  return page.locator(`dl[aria-label="Berekend voor deelplan ${deelplan}"]`).evaluate((dl) => {
    const uit = {};
    for (const dt of dl.querySelectorAll('dt')) uit[dt.textContent.trim()] = dt.nextElementSibling.textContent.replace(/\s+/g, ' ').trim();
    return uit;
  });
}

/** Een rij van de tabel met statusovergangen in het dossier: [moment, naar, door, reden]. */
async function geschiedenis() {
  return page
    .locator('section[aria-labelledby="geschiedenis-kop"] tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
}

await stap('startpagina (dashboard) zonder in te loggen', async () => {
  await page.goto(`${BASIS}/`);
  await bezoek(page, 'dashboard');
  await schermafdruk(page, 'dashboard');
  if ((await ingelogd_als(page)) !== null) throw new Error('zonder inloggen toch ingelogd');
});

await stap('inlogpagina', async () => {
  await page.goto(`${BASIS}/auth/inloggen`);
  await bezoek(page, 'inloggen');
  await schermafdruk(page, 'inloggen');
});

await stap('inloggen als aanvrager met alleen het toetsenbord', async () => {
  await page.goto(`${BASIS}/auth/inloggen`);
  const t = met_toetsenbord(page);
  await t.tab_naar('select[name="gebruiker"]');
  await t.kies('demo-aanvrager');
  await t.tab_naar('form[action="/auth/ontwikkel"] button[type="submit"]');
  // De aanvrager begint bij zijn eigen aanvragen.
  await t.druk('Enter', { naar: '/aanvragen' });
  const wie = await ingelogd_als(page);
  if (wie !== 'demo-aanvrager') throw new Error(`na inloggen met het toetsenbord ingelogd als ${wie}, verwacht demo-aanvrager`);
  await bezoek(page, 'start-aanvrager-toetsenbord');
  await log_uit(page);
});

for (const { rol, id, start: startpagina } of ROLLEN) {
  await stap(`startpagina als ${rol} (${id})`, async () => {
    await log_in_als(page, id, { naar: startpagina });
    await bezoek(page, `start-${rol}`);
    if (startpagina !== '/') {
      // Het dashboard is er ook voor wie ergens anders begint, met het menu van zijn rol.
      await page.goto(`${BASIS}/`);
      await bezoek(page, `dashboard-${rol}`);
    }
    await log_uit(page);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// De balie: een aanvraag van begin tot ontvangstbewijs, als de aanvrager van de gemeente.

await stap('aanvrager: mijn aanvragen, nieuwe aanvraag met een fout, dan als concept opgeslagen', async () => {
  await log_in_als(page, 'demo-aanvrager', { naar: '/aanvragen' });
  await bezoek(page, 'mijn-aanvragen');
  await schermafdruk(page, 'mijn-aanvragen');

  await wacht_op_navigatie(page, () => page.getByRole('link', { name: 'Nieuwe aanvraag' }).click(), { naar: '/aanvragen/nieuw' });
  await bezoek(page, 'nieuwe-aanvraag');
  await page.locator('#ronde').selectOption(NIEUW.ronde);
  for (const [veld, waarde] of Object.entries(NIEUW)) {
    if (veld !== 'ronde') await page.locator(`#${veld}`).fill(waarde);
  }
  // De fout: vijf cijfers is geen PC4 (regel E04).
  await page.locator('#pc4').fill('99999');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Opslaan' }).click(), { naar: '/aanvragen/nieuw' });
  await bezoek(page, 'aanvraag-met-fout', { status: 422 });
  await foutoverzicht(['pc4']);
  const melding = await tekst(page.locator('#pc4-fout'));
  if (!melding.includes('E04') || !melding.includes('99999')) throw new Error(`de melding bij PC4 is '${melding}', verwacht E04 over '99999'`);
  if ((await page.locator('#pc4').getAttribute('aria-invalid')) !== 'true') throw new Error('#pc4 heeft geen aria-invalid="true"');
  const beschreven = (await page.locator('#pc4').getAttribute('aria-describedby')) ?? '';
  if (!beschreven.split(/\s+/).includes('pc4-fout')) throw new Error(`#pc4 wijst niet naar zijn melding (aria-describedby="${beschreven}")`);
  // Niets van wat getypt was, is kwijt.
  for (const [veld, waarde] of Object.entries({ ...NIEUW, pc4: '99999' })) {
    const nu = await page.locator(`#${veld}`).inputValue();
    if (nu !== waarde) throw new Error(`na de fout staat in ${veld} '${nu}', getypt was '${waarde}'`);
  }
  await schermafdruk(page, 'aanvraag-met-fout');

  await page.locator('#pc4').fill('9401');
  const opslaan = () => page.getByRole('button', { name: 'Opslaan' }).click();
  const pad = await wacht_op_navigatie(page, opslaan, { naar: /^\/aanvragen\/[A-Za-z0-9]+\?opgeslagen=1$/ });
  aanvraagId = pad.split('/')[2].split('?')[0];
  await bezoek(page, 'dossier-concept');
  const kop = await tekst(page.locator('h1'));
  if (kop !== NIEUW.titel) throw new Error(`het dossier heet '${kop}', verwacht '${NIEUW.titel}'`);
  if (!(await tekst(page.getByRole('status'))).includes('Opgeslagen')) throw new Error('geen melding "Opgeslagen" op het dossier');
  if ((await tekst(page.locator('.rvo-tag').first())) !== 'concept') throw new Error('de nieuwe aanvraag staat niet als concept in het dossier');
  // De toetsing loopt mee: het lege eerste deelplan heeft bevindingen (E-regels), bij het deelplan.
  const bevindingen = await page.locator('#DP1 .vhf-bevinding').allInnerTexts();
  if (!bevindingen.some((b) => /^E\d\d /.test(b.trim()))) {
    throw new Error(`geen bevindingen (E-regels) bij deelplan DP1; wel: ${bevindingen.join(' | ') || 'niets'}`);
  }
  await schermafdruk(page, 'dossier-concept', { afdekken: [met_id(page)] });
});

await stap('aanvrager: deelplan DP1 invullen (maatregel, bijdrage, cofinanciering)', async () => {
  const id = aanvraag();
  await als('demo-aanvrager');
  await page.goto(`${BASIS}/aanvragen/${id}`);
  await wacht_op_navigatie(page, () => page.getByRole('link', { name: 'Deelplan DP1 wijzigen' }).click(), { naar: `/aanvragen/${id}/deelplannen/DP1` });
  await bezoek(page, 'deelplan');
  // De maatregel van het concept (rij 0) invullen; rij 1 is de lege rij om er een toe te voegen en blijft leeg.
  await page.locator('#m_activiteit_0').selectOption('renovatie');
  await page.locator('#m_omschrijving_0').fill('Renovatie van 70 portiekwoningen naar label B');
  await page.locator('#m_eb_0').fill('40');
  await page.locator('#m_pv_0').fill('20');
  await page.locator('#m_co_0').fill('10');
  await page.locator('#m_label_voor_0').selectOption('E');
  await page.locator('#m_label_na_0').selectOption('B');
  await page.locator('#m_kosten_0').fill('9.000.000');
  await page.locator('#m_opbrengsten_0').fill('1.000.000');
  await page.locator('#bijdrage_fysiek').fill('2.000.000');
  await page.locator('#projectkosten').fill('100.000');
  await page.locator('#c_financier_0').selectOption('gemeente');
  await page.locator('#c_naam_0').fill('Gemeente (eigen middelen)');
  await page.locator('#c_bedrag_0').fill('1.500.000');
  await schermafdruk(page, 'deelplan');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Deelplan opslaan' }).click(), { naar: `/aanvragen/${id}?opgeslagen=1#DP1` });
  await bezoek(page, 'dossier-met-cijfers');
  const c = await cijfers('DP1');
  const verwacht = {
    'Kosten van de maatregelen': '€ 9.000.000,00',
    Opbrengsten: '€ 1.000.000,00',
    'Tekort (kosten − opbrengsten)': '€ 8.000.000,00',
    'Gevraagde bijdrage (fysiek + projectkosten)': '€ 2.100.000,00',
    Cofinanciering: '€ 1.500.000,00',
    Woningen: '70',
  };
  for (const [k, w] of Object.entries(verwacht)) {
    if (c[k] !== w) throw new Error(`in het dossier staat bij '${k}' ${JSON.stringify(c[k])}, verwacht '${w}' (alles: ${JSON.stringify(c)})`);
  }
  const maatregel = await tekst(page.locator('#DP1 tbody tr').first());
  if (!maatregel.includes('Renovatie van 70 portiekwoningen')) throw new Error(`de maatregel staat niet in het dossier: '${maatregel}'`);
});

await stap('aanvrager: indienen zonder bevestiging geeft een fout bij het vinkje', async () => {
  const id = aanvraag();
  await als('demo-aanvrager');
  await page.goto(`${BASIS}/aanvragen/${id}`);
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Aanvraag indienen' }).click(), { naar: `/aanvragen/${id}/indienen` });
  await bezoek(page, 'indienen-zonder-bevestiging', { status: 422 });
  await foutoverzicht(['bevestig']);
  if (!(await page.locator('#bevestig-fout').isVisible())) throw new Error('geen melding bij het vinkje (#bevestig-fout)');
  if ((await page.locator('#bevestig').getAttribute('aria-describedby')) !== 'bevestig-fout') throw new Error('#bevestig wijst niet naar zijn melding');
  if ((await tekst(page.locator('.rvo-tag').first())) !== 'concept') throw new Error('na de fout is de aanvraag geen concept meer');
});

await stap('aanvrager: indienen met alleen het toetsenbord, dan het ontvangstbewijs', async () => {
  const id = aanvraag();
  await als('demo-aanvrager');
  await page.goto(`${BASIS}/aanvragen/${id}`);
  await bezoek(page, 'dossier-klaar-om-in-te-dienen');
  const t = met_toetsenbord(page);
  await t.tab_naar('#bevestig', { max: 80 });
  await t.druk('Space');
  if (!(await page.locator('#bevestig').isChecked())) throw new Error('de spatiebalk vinkte #bevestig niet aan');
  await t.tab_naar(`form[action="/aanvragen/${id}/indienen"] button[type="submit"]`, { max: 5 });
  await t.druk('Enter', { naar: `/aanvragen/${id}/bewijs` });
  await bezoek(page, 'ontvangstbewijs');
  const gegevens = await page
    .locator('main dl')
    .evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()])));
  const nummer = gegevens['Ontvangstnummer'] ?? '';
  if (!/^ONT-[A-Z0-9]+$/.test(nummer)) throw new Error(`ontvangstnummer '${nummer}' ziet er niet uit als ONT-…`);
  const hash = gegevens['SHA-256 van de inhoud'] ?? '';
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`SHA-256 '${hash}' is geen 64 hexadecimale tekens`);
  const welke = gegevens['Aanvraag'] ?? '';
  if (!welke.startsWith(NIEUW.kenmerk)) throw new Error(`het bewijs noemt aanvraag '${welke}', verwacht ${NIEUW.kenmerk}`);
  // Dezelfde waarden als de API (het bewijs is na te rekenen).
  const api = await page.request.get(`${BASIS}/api/v1/aanvragen/${id}/ontvangstbewijs`);
  if (api.ok()) {
    const b = await api.json();
    if (b.ontvangstnummer !== nummer || b.sha256 !== hash) {
      throw new Error(`de pagina (${nummer}, ${hash}) en de API (${b.ontvangstnummer}, ${b.sha256}) verschillen`);
    }
  } else {
    throw new Error(`/api/v1/aanvragen/${id}/ontvangstbewijs: status ${api.status()}`);
  }
  // Het ontvangstnummer komt uit het willekeurige id van de aanvraag: afgedekt, zodat de afbeelding per run gelijk is.
  await schermafdruk(page, 'ontvangstbewijs', { afdekken: [page.locator('main dl dd').first()] });
  await log_uit(page);
});

// ---------------------------------------------------------------------------------------------------------------
// De behandelaar: werkvoorraad, meerdere tegelijk ontvankelijk, de zaakpagina.

await stap('behandelaar: werkvoorraad filteren en drie aanvragen tegelijk ontvankelijk verklaren', async () => {
  const id = aanvraag();
  await log_in_als(page, 'demo-behandelaar', { naar: '/behandeling' });
  await bezoek(page, 'werkvoorraad');
  await schermafdruk(page, 'werkvoorraad');
  await page.locator('#f-status').selectOption('ingediend');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Filter toepassen' }).click(), { naar: /^\/behandeling\?.*status=ingediend/ });
  await bezoek(page, 'werkvoorraad-ingediend');
  const statussen = await page.locator('tbody .rvo-tag').allInnerTexts();
  if (statussen.length === 0 || statussen.some((s) => s.trim() !== 'ingediend')) {
    throw new Error(`met status=ingediend toont de tabel: ${[...new Set(statussen)].join(', ') || 'niets'}`);
  }
  const eigen = page.locator(`input[type="checkbox"][id="kies_${id}"]`);
  if ((await eigen.count()) !== 1) throw new Error(`de nieuwe aanvraag (${id}) staat niet in de werkvoorraad met status ingediend`);
  const anderen = await page
    .locator('input[type="checkbox"][id^="kies_"]')
    .evaluateAll((xs, eigen) => xs.map((x) => x.id).filter((x) => x !== eigen).slice(0, 2), `kies_${id}`);
  if (anderen.length !== 2) throw new Error(`geen twee andere ingediende aanvragen om te kiezen (${anderen.length})`);
  await eigen.check();
  for (const a of anderen) await page.locator(`[id="${a}"]`).check();
  const gekozen = [id, ...anderen.map((a) => a.slice('kies_'.length))];
  await page.locator('#naar').selectOption('ontvankelijk');
  await page.locator('#reden').fill('volledig en tijdig; ontvankelijk');
  const bulk = () => page.getByRole('button', { name: 'Status van de gekozen aanvragen wijzigen' }).click();
  await wacht_op_navigatie(page, bulk, { naar: /^\/behandeling\?.*verwerkt=3&naar=ontvankelijk&overgeslagen=$/ });
  await bezoek(page, 'werkvoorraad-na-ontvankelijk');
  const uitkomst = await tekst(page.getByRole('status'));
  if (!uitkomst.includes('3 aanvragen naar ontvankelijk')) throw new Error(`de melding is '${uitkomst}', verwacht '3 aanvragen naar ontvankelijk'`);
  if (uitkomst.includes('Overgeslagen')) throw new Error(`er is iets overgeslagen: '${uitkomst}'`);
  // Het filter blijft staan (status=ingediend), dus de drie zijn uit de lijst.
  for (const g of gekozen) {
    if ((await page.locator(`[id="kies_${g}"]`).count()) !== 0) throw new Error(`${g} staat na ontvankelijk nog bij de ingediende aanvragen`);
  }
});

await stap('behandelaar: de zaakpagina van de nieuwe aanvraag, met ontvankelijk in de geschiedenis', async () => {
  const id = aanvraag();
  await als('demo-behandelaar');
  await page.goto(`${BASIS}/behandeling?status=ontvankelijk`);
  await bezoek(page, 'werkvoorraad-ontvankelijk');
  await wacht_op_navigatie(page, () => page.getByRole('link', { name: NIEUW.kenmerk, exact: true }).click(), { naar: `/aanvragen/${id}` });
  await bezoek(page, 'zaakpagina');
  if ((await tekst(page.locator('.rvo-tag').first())) !== 'ontvankelijk') throw new Error('de status op de zaakpagina is niet ontvankelijk');
  const rijen = await geschiedenis();
  const naar = rijen.map((r) => r[1]);
  if (!naar.includes('ingediend') || !naar.includes('ontvankelijk')) {
    throw new Error(`de geschiedenis toont ${JSON.stringify(rijen)}, verwacht ingediend en ontvankelijk`);
  }
  const ontvankelijk = rijen.find((r) => r[1] === 'ontvankelijk');
  if (!ontvankelijk[2].startsWith('demo-behandelaar') || !ontvankelijk[3].includes('ontvankelijk')) {
    throw new Error(`de overgang naar ontvankelijk: ${JSON.stringify(ontvankelijk)}`);
  }
  // De behandelaar kan verder: het formulier Status wijzigen, met een reden.
  const statusformulier = (await page.locator('select#naar option').count()) > 0 && (await page.locator('input#reden').count()) === 1;
  if (!statusformulier) throw new Error('geen formulier Status wijzigen (naar, reden) op de zaakpagina');
  await schermafdruk(page, 'zaakpagina', { afdekken: [met_id(page)] });
  await log_uit(page);
});

// ---------------------------------------------------------------------------------------------------------------
// Zonder in te loggen, en wie iets niet mag zien.

await stap('zonder in te loggen: dashboard en toegankelijkheidsverklaring', async () => {
  if ((await ingelogd_als(page)) !== null) await log_uit(page);
  await page.goto(`${BASIS}/`);
  await bezoek(page, 'dashboard-na-behandeling');
  await wacht_op_navigatie(page, () => page.locator('footer').getByRole('link', { name: 'Toegankelijkheid' }).click(), { naar: '/toegankelijkheid' });
  await bezoek(page, 'toegankelijkheid');
  await schermafdruk(page, 'toegankelijkheid');
});

await stap('een andere aanvrager ziet het dossier niet (404)', async () => {
  const id = aanvraag();
  await log_in_als(page, 'demo-aanvrager-2', { naar: '/aanvragen' });
  for (const [pad, naam] of [
    [`/aanvragen/${id}`, 'dossier-van-een-ander'],
    [`/aanvragen/${id}/bewijs`, 'bewijs-van-een-ander'],
  ]) {
    await verwacht_status(page, pad, 404);
    await bezoek(page, naam, { status: 404 });
    const kop = await tekst(page.locator('h1'));
    if (kop !== 'Niet gevonden') throw new Error(`${pad}: de kop is '${kop}', verwacht 'Niet gevonden'`);
    const alles = await tekst(page.locator('main'));
    if (alles.includes(NIEUW.kenmerk) || alles.includes(NIEUW.titel)) throw new Error(`${pad}: de foutpagina verraadt de aanvraag: '${alles}'`);
  }
  await log_uit(page);
});

await stap('zonder in te loggen naar mijn aanvragen: 401 met een knop Inloggen', async () => {
  if ((await ingelogd_als(page)) !== null) await log_uit(page);
  await verwacht_status(page, '/aanvragen', 401);
  await bezoek(page, 'niet-ingelogd', { status: 401 });
  const kop = await tekst(page.locator('h1'));
  if (kop !== 'Niet ingelogd') throw new Error(`de kop is '${kop}', verwacht 'Niet ingelogd'`);
  const knop = page.locator('main').getByRole('link', { name: 'Inloggen' });
  if ((await knop.count()) !== 1) throw new Error('geen knop Inloggen op de pagina (in <main>)');
  await wacht_op_navigatie(page, () => knop.click(), { naar: '/auth/inloggen' });
});

await stap('een pagina die niet bestaat geeft een Nederlandse 404', async () => {
  const r = await verwacht_status(page, '/bestaat-niet', 404);
  const soort = r.headers()['content-type'] ?? '';
  if (!soort.startsWith('text/html')) throw new Error(`/bestaat-niet geeft de browser ${soort}, geen Nederlandse HTML-pagina`);
  await bezoek(page, 'niet-gevonden', { status: 404 });
  const kop = await tekst(page.locator('h1'));
  if (kop !== 'Pagina niet gevonden') throw new Error(`de kop is '${kop}', verwacht 'Pagina niet gevonden'`);
  if ((await page.locator('main a[href="/"]').count()) === 0) throw new Error('geen link naar het dashboard op de 404-pagina');
});

await klaar();
