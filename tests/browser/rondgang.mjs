// De rondgang door de site in een echte browser (issue 15), als reeks benoemde stappen. Gestart door
// `cargo test -p vhf --test browser` (zie crates/vhf/tests/browser.rs), op SQLite en op PostgreSQL, tegen een
// server met de demoronde (vhf serve --demo) en de ontwikkel-login, met een vaste klok (2021-05-10 12:00, het
// loket is open).
//
// De volgorde, de hele ronde: elke rol op zijn startpagina; de aanvrager maakt een aanvraag (eerst met een fout in
// het formulier), vult deelplan DP1 in, uploadt de verplichte documenten op het dossier en dient in met alleen het
// toetsenbord (ontvangstbewijs); de behandelaar filtert de werkvoorraad, verklaart die aanvraag en twee andere
// tegelijk ontvankelijk, opent de zaakpagina en wijst twee leden van de commissie (L1, L2) toe aan DP1; die scoren
// elk criterium met motivering (eerst één zonder: 422); de behandelaar brengt alle aanvragen van de ronde naar
// beoordeeld (ontvankelijk, in beoordeling, beoordeeld, telkens alle tegelijk); de beslisser maakt de verdeling
// (rangorde, budgetlijn, uitleg), rekent een wat-als door (budget 150 miljoen) en stelt haar vast als besluit (eerst
// zonder reden: 422); zonder in te loggen toont het dashboard de toekenningen op de kaart en in de tabel (een
// gemeente op de kaart met de Tab-toets, met zichtbare focus) en de toegankelijkheidsverklaring; een andere
// aanvrager krijgt 404 op dat dossier, wie niet is ingelogd 401 op /aanvragen, en een onbekend adres een Nederlandse
// 404. De stappen na de eerste aanvraagstap gebruiken de aanvraag die die stap maakte (aanvraagId), die na het
// besluit de verdeling die de beslisser maakte (verdelingId).
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
  { rol: 'beheerder', id: 'demo-beheerder', start: '/beheer' },
];
const START = Object.fromEntries(ROLLEN.map((r) => [r.id, r.start]));
START['demo-aanvrager-2'] = '/aanvragen';
START.L2 = '/beoordeling';

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
    .locator('section[aria-labelledby="geschiedenis-kop"] table')
    .first()
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
}

await stap('startpagina (dashboard) zonder in te loggen, voor het besluit', async () => {
  await page.goto(`${BASIS}/`);
  await bezoek(page, 'dashboard-voor-besluit');
  await schermafdruk(page, 'dashboard-voor-besluit');
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
  // De cofinanciering dekt de rest van het tekort (E10: ≥ tekort − bijdrage fysiek = 8 − 2 miljoen).
  await page.locator('#c_bedrag_0').fill('6.000.000');
  await schermafdruk(page, 'deelplan');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Deelplan opslaan' }).click(), { naar: `/aanvragen/${id}?opgeslagen=1#DP1` });
  await bezoek(page, 'dossier-met-cijfers');
  const c = await cijfers('DP1');
  const verwacht = {
    'Kosten van de maatregelen': '€ 9.000.000,00',
    Opbrengsten: '€ 1.000.000,00',
    'Tekort (kosten − opbrengsten)': '€ 8.000.000,00',
    'Gevraagde bijdrage (fysiek + projectkosten)': '€ 2.100.000,00',
    Cofinanciering: '€ 6.000.000,00',
    Woningen: '70',
  };
  for (const [k, w] of Object.entries(verwacht)) {
    if (c[k] !== w) throw new Error(`in het dossier staat bij '${k}' ${JSON.stringify(c[k])}, verwacht '${w}' (alles: ${JSON.stringify(c)})`);
  }
  const maatregel = await tekst(page.locator('#DP1 tbody tr').first());
  if (!maatregel.includes('Renovatie van 70 portiekwoningen')) throw new Error(`de maatregel staat niet in het dossier: '${maatregel}'`);
  // Wat bij het deelplan nog fout is, is alleen het ontbrekende plan van aanpak (E15, de volgende stap).
  const fouten = (await page.locator('#DP1 .vhf-bevinding').allInnerTexts()).map((b) => b.trim()).filter((b) => / fout$/m.test(b.split('\n')[0]));
  if (fouten.some((b) => !b.startsWith('E15 '))) throw new Error(`fouten bij deelplan DP1: ${fouten.join(' | ')}`);
});

await stap('aanvrager: de verplichte documenten uploaden op het dossier', async () => {
  const id = aanvraag();
  await als('demo-aanvrager');
  await page.goto(`${BASIS}/aanvragen/${id}`);
  const voor = await page.locator('.vhf-bevinding').allInnerTexts();
  if (!voor.some((b) => b.trim().startsWith('E15 '))) throw new Error(`zonder documenten geen bevinding E15 in het dossier; wel: ${voor.join(' | ') || 'niets'}`);
  // Wat de ronde vraagt (E15): een plan van aanpak per deelplan, een begroting, en een intentieverklaring omdat een
  // corporatie meedoet (10 corporatiewoningen). Met het uploadformulier van het dossier (multipart, CSRF als eerste
  // deel); eerst een bestand dat zich voor een PDF uitgeeft maar het niet is: de fout staat bij het veld.
  const pdf = (titel) => Buffer.from(`%PDF-1.4\n% ${titel} (browsertest)\n%%EOF\n`);
  const upload = async (soort, naam, deelplan, inhoud) => {
    await page.locator('#soort').selectOption(soort);
    await page.locator('#deelplan').selectOption(deelplan ?? '');
    await page.locator('#bestand').setInputFiles({ name: naam, mimeType: 'application/pdf', buffer: inhoud });
    return page.getByRole('button', { name: 'Document uploaden' }).click();
  };
  await wacht_op_navigatie(page, () => upload('begroting', 'nep.pdf', null, Buffer.from('geen pdf')), { naar: `/aanvragen/${id}/documenten` });
  await bezoek(page, 'document-met-fout', { status: 422 });
  const fout = await tekst(page.locator('#bestand-fout'));
  if (!fout.includes('nep.pdf')) throw new Error(`de fout bij het bestand is '${fout}'`);
  await page.goto(`${BASIS}/aanvragen/${id}`);
  for (const [soort, naam, deelplan] of [
    ['plan_van_aanpak', 'plan-van-aanpak-vogelbuurt.pdf', 'DP1'],
    ['begroting', 'begroting.pdf', null],
    ['intentieverklaring_corporatie', 'intentieverklaring-corporatie.pdf', null],
  ]) {
    await wacht_op_navigatie(page, () => upload(soort, naam, deelplan, pdf(naam)), { naar: new RegExp(`^/aanvragen/${id}\\?opgeslagen=document`) });
  }
  await page.goto(`${BASIS}/aanvragen/${id}`);
  await bezoek(page, 'dossier-met-documenten');
  const documenten = await page.locator('section[aria-labelledby="documenten-kop"] li').allInnerTexts();
  if (documenten.length !== 3) throw new Error(`het dossier toont ${documenten.length} documenten, verwacht 3: ${documenten.join(' | ')}`);
  const na = await page.locator('.vhf-bevinding').allInnerTexts();
  if (na.some((b) => b.trim().startsWith('E15 '))) throw new Error(`met de documenten nog een bevinding E15: ${na.filter((b) => b.trim().startsWith('E15 ')).join(' | ')}`);
  const toetsing = await tekst(page.locator('section[aria-labelledby="toetsing-kop"]'));
  if (!toetsing.includes('Geen fouten gevonden')) throw new Error(`de toetsing vindt nog fouten: '${toetsing}'`);
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
// Een vraag van de behandelaar en de aanvulling van de gemeente.

await stap('behandelaar vraagt om een aanvulling; de gemeente ziet de vraag, wijzigt de titel en levert de aanvulling', async () => {
  const id = aanvraag();
  await als('demo-behandelaar');
  await page.goto(`${BASIS}/aanvragen/${id}`);
  await page.locator('#naar').selectOption('aanvulling_gevraagd');
  const vraag = 'Vermeld de looptijd in de titel van de aanvraag.';
  await page.locator('#reden').fill(vraag);
  await verstuur_303(() => page.getByRole("button", { name: "Status wijzigen" }).click(), `/aanvragen/${id}?opgeslagen=status`);
  await log_uit(page);
  await als('demo-aanvrager');
  await page.goto(`${BASIS}/aanvragen/${id}`);
  await bezoek(page, 'dossier-vraag-van-de-behandelaar');
  const blok = await tekst(page.getByRole('region', { name: 'Vraag van de behandelaar' }));
  if (!blok.includes(vraag)) throw new Error(`de vraag staat niet bij de gemeente: '${blok}'`);
  await wacht_op_navigatie(page, () => page.getByRole('link', { name: 'Algemene gegevens wijzigen' }).click(), { naar: `/aanvragen/${id}/algemeen` });
  const titel = `${await page.locator('#titel').inputValue()} (2021-2031)`;
  await page.locator('#titel').fill(titel);
  await verstuur_303(() => page.getByRole('button', { name: 'Opslaan', exact: true }).click(), /^\/aanvragen\/[^/]+\?opgeslagen=1$/);
  if (!(await tekst(page.locator('h1'))).includes('(2021-2031)')) throw new Error('de gemeente ziet haar gewijzigde titel niet');
  // Leveren zonder vinkje: 422 bij het vinkje; daarna met vinkje en antwoord.
  await page.locator('#toelichting').fill('Looptijd 2021-2031 in de titel gezet.');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Aanvulling leveren' }).click(), { naar: `/aanvragen/${id}/aanvulling` });
  await bezoek(page, 'aanvulling-zonder-bevestiging', { status: 422 });
  await foutoverzicht(['bevestig_aanvulling']);
  await page.locator('#bevestig_aanvulling').check();
  await verstuur_303(() => page.getByRole('button', { name: 'Aanvulling leveren' }).click(), /^\/aanvragen\/[^/]+\?opgeslagen=aanvulling$/);
  await bezoek(page, 'dossier-na-aanvulling');
  if ((await tekst(page.locator('.rvo-tag').first())) !== 'ingediend') throw new Error('na de aanvulling is de aanvraag niet weer ingediend');
  const rijen = await geschiedenis();
  if (!rijen.some((r) => r[3].includes('aanvulling 1 geleverd: Looptijd 2021-2031'))) throw new Error(`de geschiedenis toont ${JSON.stringify(rijen)}`);
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
  // Het prioriteitsgebied van DP1 vaststellen: eerst zonder reden (422 bij het veld), dan met.
  const knop = page.getByRole('button', { name: 'Vaststellen voor deelplan DP1' });
  await wacht_op_navigatie(page, () => knop.click(), { naar: `/aanvragen/${id}/prioriteit` });
  await bezoek(page, 'prioriteit-zonder-reden', { status: 422 });
  await foutoverzicht(['reden_prioriteit_DP1']);
  await page.locator('#reden_prioriteit_DP1').fill('PC4-gebieden en lijst van de ronde nagekeken');
  await verstuur_303(() => knop.click(), `/aanvragen/${id}?opgeslagen=prioriteit#DP1`);
  const zin = await tekst(page.locator('#DP1 p').first());
  if (!zin.includes('Vastgesteld door RVO') || !zin.includes('PC4-gebieden en lijst van de ronde nagekeken')) throw new Error(`na vaststellen: '${zin}'`);
  await log_uit(page);
});

// ---------------------------------------------------------------------------------------------------------------
// De rest van de ronde: de behandelaar wijst twee leden van de commissie toe, die scoren; de behandelaar brengt
// alle aanvragen van de ronde naar beoordeeld; de beslisser maakt de verdeling, rekent een wat-als door en besluit;
// het publieke dashboard toont de toekenningen op de kaart.

/** De twee leden van de commissie die het deelplan van de rondgang beoordelen (zonder belangenconflict met de
 * gemeente van demo-aanvrager; de demo geeft elk lid een band met een of twee gemeenten). */
const BEOORDELAARS = ['L1', 'L2'];
/** Het scoreformulier van dat deelplan (het kenmerk is uniek in de ronde, dus zonder GM…/ ervoor). */
const SCOREN = `/beoordeling/${NIEUW.ronde}/${NIEUW.kenmerk}/DP1`;
/** De scores per lid, per criterium in de volgorde van het formulier (schaal 0 tot en met 10, een komma mag). */
const SCORES = { L1: ['8', '7,5', '7', '8'], L2: ['7', '8', '6,5', '7,5'] };
/** Het id van de verdeling die de beslisser maakt, zodra die stap geslaagd is. */
let verdelingId = null;
/** De CBS-code van de gemeente (penvoerder) van de aanvraag van de rondgang, zodra over haar besloten is. */
let gemeente = null;

function verdeling() {
  if (!verdelingId) throw new Error('de verdeling van de rondgang bestaat niet: de stap die hem maakt, mislukte');
  return verdelingId;
}

/** Doet `actie` (een knop van een formulier met method="post") en controleert dat de server met 303 antwoordt en
 * de browser op `naar` uitkomt (Post/Redirect/Get). Geeft het pad waar de browser nu staat. */
async function verstuur_303(actie, naar) {
  const post = page.waitForResponse((r) => r.request().method() === 'POST' && r.frame() === page.mainFrame());
  const pad = await wacht_op_navigatie(page, actie, { naar });
  const r = await post;
  if (r.status() !== 303) throw new Error(`POST ${new URL(r.url()).pathname}: status ${r.status()}, verwacht 303`);
  return pad;
}

/** De rij van het deelplan van de rondgang in /beoordeling: { mijn, voortgang } (de kolommen Mijn scores en
 * Voortgang commissie). */
async function beoordelingsrij() {
  const rij = page.locator('tbody tr', { has: page.locator(`a[href="${SCOREN}"]`) });
  if ((await rij.count()) !== 1) throw new Error(`deelplan DP1 van ${NIEUW.kenmerk} staat niet (één keer) in de lijst van toegewezen deelplannen`);
  const cellen = (await rij.locator('td').allInnerTexts()).map((c) => c.replace(/\s+/g, ' ').trim());
  return { mijn: cellen[2], voortgang: cellen[3] };
}

/** De statusmelding (role=status) op de pagina, of '' als er geen is. */
async function statusmelding() {
  const m = page.getByRole('status');
  return (await m.count()) ? tekst(m.first()) : '';
}

await stap('behandelaar: leden L1 en L2 van de commissie toewijzen aan deelplan DP1', async () => {
  const id = aanvraag();
  await als('demo-behandelaar');
  await page.goto(`${BASIS}/aanvragen/${id}`);
  await bezoek(page, 'zaakpagina-commissie');
  const kop = await tekst(page.locator('#commissie-kop'));
  if (kop !== 'Commissie: wie beoordeelt welk deelplan') throw new Error(`de kop van de commissie is '${kop}'`);
  const sectie = page.locator('section[aria-labelledby="commissie-kop"]');
  if ((await sectie.locator('form').count()) !== 1) throw new Error(`${await sectie.locator('form').count()} formulieren voor de toewijzing, verwacht één (één deelplan)`);
  const vakjes = await sectie.locator('input[type="checkbox"]').evaluateAll((xs) => xs.map((x) => [x.id, x.checked]));
  const verwacht = Array.from({ length: 9 }, (_, i) => `lid_DP1_L${i + 1}`);
  if (JSON.stringify(vakjes.map((v) => v[0])) !== JSON.stringify(verwacht)) {
    throw new Error(`de vakjes zijn ${vakjes.map((v) => v[0]).join(', ')}, verwacht ${verwacht.join(', ')}`);
  }
  if (vakjes.some((v) => v[1])) throw new Error(`al toegewezen voor de toewijzing: ${vakjes.filter((v) => v[1]).map((v) => v[0]).join(', ')}`);
  for (const l of BEOORDELAARS) await page.locator(`#lid_DP1_${l}`).check();
  const knop = () => page.getByRole('button', { name: 'Toewijzing deelplan DP1 vastleggen' }).click();
  await verstuur_303(knop, `/aanvragen/${id}?opgeslagen=toewijzing#commissie-kop`);
  await bezoek(page, 'zaakpagina-toegewezen');
  const melding = await statusmelding();
  if (!melding.includes('De toewijzing is vastgelegd')) throw new Error(`de melding is '${melding}', verwacht 'De toewijzing is vastgelegd …'`);
  const nu = await sectie.locator('input[type="checkbox"]:checked').evaluateAll((xs) => xs.map((x) => x.id));
  const moet = BEOORDELAARS.map((l) => `lid_DP1_${l}`);
  if (JSON.stringify(nu) !== JSON.stringify(moet)) throw new Error(`na de toewijzing aangevinkt: ${nu.join(', ') || 'niets'}, verwacht ${moet.join(', ')}`);
});

for (const [i, lid] of BEOORDELAARS.entries()) {
  const eerste = i === 0;
  const titel = eerste ? ', eerst zonder motivering (422)' : '';
  await stap(`commissielid ${lid}: toegewezen deelplannen, deelplan DP1 scoren${titel}`, async () => {
    aanvraag();
    await log_in_als(page, lid, { naar: '/beoordeling' });
    await bezoek(page, `beoordelen-${lid}`);
    const voor = await beoordelingsrij();
    if (voor.mijn !== '0 van 4 criteria' || voor.voortgang !== `${i} van ${BEOORDELAARS.length} leden`) {
      throw new Error(`voor het scoren: mijn scores '${voor.mijn}', voortgang '${voor.voortgang}'; verwacht '0 van 4 criteria' en '${i} van ${BEOORDELAARS.length} leden'`);
    }
    await wacht_op_navigatie(page, () => page.locator(`a[href="${SCOREN}"]`).click(), { naar: SCOREN });
    await bezoek(page, `scoren-${lid}`);
    const kop = await tekst(page.locator('h1'));
    if (!kop.startsWith(NIEUW.deelplan_naam)) throw new Error(`het scoreformulier heet '${kop}', verwacht '${NIEUW.deelplan_naam} (…)'`);
    if (!(await tekst(page.locator('main table tbody'))).includes('Renovatie van 70 portiekwoningen')) {
      throw new Error('de maatregel van het deelplan staat niet bij het scoreformulier');
    }
    const criteria = await page.locator('input[id^="score_"]').evaluateAll((xs) => xs.map((x) => x.id.slice('score_'.length)));
    if (criteria.length !== SCORES[lid].length) throw new Error(`het formulier heeft ${criteria.length} criteria (${criteria.join(', ')}), verwacht ${SCORES[lid].length}`);
    const motivering = (c) => `${lid} over ${c}: onderbouwd met het plan van aanpak en de begroting.`;
    for (const [j, c] of criteria.entries()) {
      await page.locator(`#score_${c}`).fill(SCORES[lid][j]);
      await page.locator(`#motivering_${c}`).fill(motivering(c));
    }
    const vastleggen = () => page.getByRole('button', { name: 'Scores vastleggen' }).click();
    if (eerste) {
      await page.evaluate(() => document.activeElement?.blur());
      await schermafdruk(page, 'scoren');
      // Eén motivering leeg: niets vastgelegd, een foutoverzicht, de melding bij het veld en de invoer bewaard.
      const leeg = criteria[criteria.length - 1];
      await page.locator(`#motivering_${leeg}`).fill('');
      await wacht_op_navigatie(page, vastleggen, { naar: SCOREN });
      await bezoek(page, 'scoren-zonder-motivering', { status: 422 });
      await foutoverzicht([`motivering_${leeg}`]);
      const veld = page.locator(`#motivering_${leeg}`);
      if (!(await tekst(page.locator(`#motivering_${leeg}-fout`))).includes('motivering')) throw new Error('geen melding over de motivering bij het veld');
      if ((await veld.getAttribute('aria-invalid')) !== 'true') throw new Error(`#motivering_${leeg} heeft geen aria-invalid="true"`);
      if (!((await veld.getAttribute('aria-describedby')) ?? '').split(/\s+/).includes(`motivering_${leeg}-fout`)) {
        throw new Error(`#motivering_${leeg} wijst niet naar zijn melding`);
      }
      for (const [j, c] of criteria.entries()) {
        const score = await page.locator(`#score_${c}`).inputValue();
        const m = await page.locator(`#motivering_${c}`).inputValue();
        if (score !== SCORES[lid][j] || (c !== leeg && m !== motivering(c))) {
          throw new Error(`na de fout staat bij ${c} '${score}' / '${m}', getypt was '${SCORES[lid][j]}' / '${motivering(c)}'`);
        }
      }
      await veld.fill(motivering(leeg));
    }
    await verstuur_303(vastleggen, `/beoordeling?ronde=${NIEUW.ronde}&opgeslagen=1`);
    await bezoek(page, `beoordelen-na-scoren-${lid}`);
    const melding = await statusmelding();
    if (!melding.includes('Uw scores zijn vastgelegd')) throw new Error(`de melding is '${melding}', verwacht 'Uw scores zijn vastgelegd …'`);
    const na = await beoordelingsrij();
    if (na.mijn !== 'compleet' || na.voortgang !== `${i + 1} van ${BEOORDELAARS.length} leden`) {
      throw new Error(`na het scoren: mijn scores '${na.mijn}', voortgang '${na.voortgang}'; verwacht 'compleet' en '${i + 1} van ${BEOORDELAARS.length} leden'`);
    }
    if (!eerste) await schermafdruk(page, 'beoordelen');
    await log_uit(page);
  });
}

/**
 * Zet als behandelaar elke aanvraag van de ronde met status `van` op `naar`, met het formulier van de
 * werkvoorraad: filter op ronde en status, elk vinkje op de pagina aan, de nieuwe status, versturen; opnieuw tot
 * er met die status niets meer over is (50 per pagina). Niets mag worden overgeslagen. Geeft het aantal.
 */
async function alle_naar(van, naar, reden) {
  await page.goto(`${BASIS}/behandeling`);
  await page.locator('#f-ronde').selectOption(NIEUW.ronde);
  await page.locator('#f-status').selectOption(van);
  const lijst = new RegExp(`^/behandeling\\?ronde=${NIEUW.ronde}&status=${van}&gemeente=&bevinding=&prioriteit=&sorteer=binnenkomst$`);
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Filter toepassen' }).click(), { naar: lijst });
  await bezoek(page, `werkvoorraad-${van}`);
  const totaal = Number((await tekst(page.locator('main table caption'))).match(/^(\d+) aanvra/)?.[1]);
  if (!(totaal > 0)) throw new Error(`geen aanvragen met status ${van} in ${NIEUW.ronde}`);
  let verwerkt = 0;
  for (let keer = 1; verwerkt < totaal; keer++) {
    if (keer > 3) throw new Error(`na ${keer - 1} keer zijn ${verwerkt} van de ${totaal} aanvragen met status ${van} verwerkt`);
    const vinkjes = page.locator('input[type="checkbox"][id^="kies_"]');
    const n = await vinkjes.count();
    const statussen = new Set((await page.locator('tbody .rvo-tag').allInnerTexts()).map((s) => s.trim()));
    if (n === 0 || statussen.size !== 1) throw new Error(`de werkvoorraad met status ${van} toont ${n} vinkjes en de statussen ${[...statussen].join(', ')}`);
    for (let j = 0; j < n; j++) await vinkjes.nth(j).check();
    await page.locator('#naar').selectOption(naar);
    await page.locator('#reden').fill(reden);
    const bulk = () => page.getByRole('button', { name: 'Status van de gekozen aanvragen wijzigen' }).click();
    const pad = await verstuur_303(bulk, new RegExp(`^/behandeling\\?ronde=${NIEUW.ronde}&status=${van}&.*&verwerkt=\\d+&naar=${naar}&overgeslagen=[^&]*$`));
    await bezoek(page, `werkvoorraad-naar-${naar}${keer > 1 ? `-${keer}` : ''}`);
    const q = new URL(`${BASIS}${pad}`).searchParams;
    const melding = await statusmelding();
    if (q.get('overgeslagen')) throw new Error(`overgeslagen bij ${van} → ${naar}: ${q.get('overgeslagen')}; de melding: '${melding}'`);
    if (Number(q.get('verwerkt')) !== n) throw new Error(`${q.get('verwerkt')} van de ${n} gekozen aanvragen verwerkt`);
    // De naam van de status uit het filter (het formulier met #naar staat er niet meer als de lijst leeg is).
    const naam = (await page.locator(`#f-status option[value="${naar}"]`).textContent()).trim();
    if (!melding.includes(`${n} aanvragen naar ${naam}`) || melding.includes('Overgeslagen')) {
      throw new Error(`de melding is '${melding}', verwacht '${n} aanvragen naar ${naam}'`);
    }
    verwerkt += n;
  }
  const rest = await tekst(page.locator('main table caption'));
  if (rest !== '0 aanvragen') throw new Error(`na ${van} → ${naar} staat er nog: '${rest}'`);
  return verwerkt;
}

await stap('behandelaar: alle aanvragen van de ronde tegelijk naar ontvankelijk, in beoordeling en beoordeeld', async () => {
  const id = aanvraag();
  await als('demo-behandelaar');
  await page.goto(`${BASIS}/behandeling?ronde=${NIEUW.ronde}`);
  await bezoek(page, 'werkvoorraad-ronde');
  const alle = Number((await tekst(page.locator('main table caption'))).match(/^(\d+) aanvra/)?.[1]);
  // De levensloop (vhf-core/src/levensloop.rs): ingediend → ontvankelijk → in beoordeling → beoordeeld. De drie die
  // al ontvankelijk zijn (stap hierboven), gaan bij de tweede keer mee.
  const a = await alle_naar('ingediend', 'ontvankelijk', 'volledig en tijdig; ontvankelijk');
  const b = await alle_naar('ontvankelijk', 'in_beoordeling', 'naar de commissie');
  const c = await alle_naar('in_beoordeling', 'beoordeeld', 'de commissie heeft gescoord');
  if (a !== alle - 3 || b !== alle || c !== alle) {
    throw new Error(`van de ${alle} aanvragen van de ronde: ${a} ontvankelijk (verwacht ${alle - 3}), ${b} in beoordeling, ${c} beoordeeld`);
  }
  await page.goto(`${BASIS}/behandeling?ronde=${NIEUW.ronde}&status=beoordeeld`);
  await bezoek(page, 'werkvoorraad-beoordeeld');
  const beoordeeld = await tekst(page.locator('main table caption'));
  if (beoordeeld !== `${alle} aanvragen`) throw new Error(`met status beoordeeld: '${beoordeeld}', verwacht '${alle} aanvragen'`);
  if ((await page.locator(`[id="kies_${id}"]`).count()) !== 1) throw new Error(`de aanvraag van de rondgang (${id}) is niet beoordeeld`);
  console.log(`      ${alle} aanvragen: ${a} naar ontvankelijk, ${b} naar in beoordeling, ${c} naar beoordeeld`);
  await log_uit(page);
});

/** De rijen van de rangorde op de verdelingspagina (zonder de budgetlijn): [rang, deelplan, gemeente, score,
 * gevraagd, toegekend, uitkomst en uitleg], met de uitkomst en de klasse van haar tag (rvo-tag--success: toegekend, …) en
 * de uitleg. */
async function rangorde() {
  return page.locator('table:has(caption:text-is("Rangorde en uitkomst per deelplan")) tbody tr:not(.vhf-budgetlijn)').evaluateAll((trs) =>
    trs.map((tr) => ({
      cellen: [...tr.cells].map((c) => c.textContent.replace(/\s+/g, ' ').trim()),
      soort: tr.querySelector('.rvo-tag')?.className ?? '',
      uitkomst: tr.querySelector('.rvo-tag')?.textContent.trim() ?? '',
      uitleg: tr.querySelector('details p')?.textContent.trim() ?? '',
      samenvatting: tr.querySelector('details summary') !== null,
    })),
  );
}

/** Wat op de verdelingspagina het (willekeurige) id van de verdeling toont: het laatste deel van het kruimelpad. Het
 * id staat in een proportionele letter, dus het grijze vlak zou per run een paar pixels breder of smaller zijn: het
 * krijgt voor de schermafdruk een vaste breedte (via CSSOM, wat de CSP toestaat). */
async function met_verdeling_id(page) {
  const l = page.locator('nav[aria-label="Kruimelpad"] [aria-current="page"]');
  await l.evaluate((e) => {
    e.style.display = 'inline-block';
    e.style.width = '16em';
  });
  return l;
}

/** De cijfers bovenaan de verdelingspagina en het dashboard (dl.vhf-cijfers) als { label: waarde }. */
async function kerncijfers() {
  return page.locator('dl.vhf-cijfers').evaluate((dl) =>
    Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.replace(/\s+/g, ' ').trim()])),
  );
}

const EURO = /^€ \d{1,3}(\.\d{3})*,\d\d$/;

await stap('beslisser: verdeling maken, rangorde met budgetlijn en uitleg', async () => {
  aanvraag();
  await log_in_als(page, 'demo-beslisser', { naar: '/verdeling' });
  await bezoek(page, 'verdelingen');
  if ((await page.locator('main').getByText('Voor deze ronde is nog geen verdeling gemaakt.').count()) !== 1) throw new Error('er is al een verdeling van de ronde');
  const pad = await verstuur_303(() => page.getByRole('button', { name: 'Verdeling maken' }).click(), /^\/verdeling\/VD[A-Za-z0-9]+$/);
  verdelingId = pad.split('/')[2];
  await bezoek(page, 'verdeling');
  const c = await kerncijfers();
  for (const k of ['Plafond', 'Toegekend', 'Restant']) if (!EURO.test(c[k] ?? '')) throw new Error(`${k} is '${c[k]}', geen bedrag (alles: ${JSON.stringify(c)})`);
  if (c.Besluit !== 'nog niet') throw new Error(`Besluit: '${c.Besluit}', verwacht 'nog niet'`);
  const rijen = await rangorde();
  if (rijen.length < 50) throw new Error(`de rangorde heeft ${rijen.length} rijen; de ronde heeft 75 demodeelplannen en het nieuwe`);
  const zonder = rijen.filter((r) => !r.samenvatting || r.uitleg === '');
  if (zonder.length) throw new Error(`${zonder.length} rijen zonder uitleg, o.a. ${zonder[0].cellen[1]}`);
  const lijn = page.locator('tr.vhf-budgetlijn');
  if ((await lijn.count()) !== 1 || !(await tekst(lijn)).startsWith('Budgetlijn')) {
    throw new Error(`${await lijn.count()} rijen met de budgetlijn, verwacht één die met 'Budgetlijn' begint`);
  }
  // Een rangorde: op rang (1 eerst), de deelplannen zonder rang (niet ontvankelijk, negatief advies) onderaan.
  const rangen = rijen.map((r) => r.cellen[0]);
  const streep = rangen.indexOf('–');
  const genummerd = (streep < 0 ? rangen : rangen.slice(0, streep)).map(Number);
  if ((streep >= 0 && rangen.slice(streep).some((x) => x !== '–')) || genummerd.some((x, i) => !(x >= 1) || (i > 0 && x < genummerd[i - 1]))) {
    throw new Error(`de tabel staat niet op rang: ${rangen.join(' ')}`);
  }
  // De budgetlijn ligt boven het eerste deelplan dat niet volledig is toegekend: alles erboven is toegekend.
  const boven = await lijn.evaluate((tr) => [...tr.parentElement.children].indexOf(tr));
  if (rijen.slice(0, boven).some((r) => !r.soort.includes('rvo-tag--success'))) throw new Error('boven de budgetlijn staat een deelplan dat niet volledig is toegekend');
  if (boven >= rijen.length || rijen[boven].soort.includes('rvo-tag--success') || rangen[boven] === '–') {
    throw new Error(`direct onder de budgetlijn staat ${rijen[boven]?.cellen.join(' | ') ?? 'niets'}, verwacht het eerste deelplan met een rang dat niet volledig past`);
  }
  const eigen = page.locator('tbody tr', { hasText: `${NIEUW.kenmerk} DP1` });
  if ((await eigen.count()) !== 1) throw new Error(`deelplan DP1 van ${NIEUW.kenmerk} staat niet in de rangorde`);
  await eigen.locator('summary').click();
  if (!(await eigen.locator('details p').isVisible())) throw new Error('de uitleg van het deelplan gaat niet open');
  await page.evaluate(() => document.activeElement?.blur());
  const r = rijen.find((x) => x.cellen[1] === `${NIEUW.kenmerk} DP1`);
  const [rang, , , score, , toegekend] = r.cellen;
  console.log(`      verdeling: plafond ${c.Plafond}, toegekend ${c.Toegekend}; ${NIEUW.kenmerk} DP1: rang ${rang}, score ${score}, ${r.uitkomst}, ${toegekend}`);
  await schermafdruk(page, 'verdeling', { afdekken: [await met_verdeling_id(page)] });
});

await stap('beslisser: wat als het budget 150 miljoen is', async () => {
  const vid = verdeling();
  await als('demo-beslisser');
  await page.goto(`${BASIS}/verdeling/${vid}`);
  await page.locator('#budget').fill('150.000.000');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Doorrekenen' }).click(), {
    naar: new RegExp(`^/verdeling/${vid}\\?budget=150\\.000\\.000&btw_reserve=&prioriteit=&vulwijze=#watals-kop$`),
  });
  await bezoek(page, 'wat-als');
  const melding = await statusmelding();
  if (!melding.startsWith('Wat als budget € 150.000.000,00') || !/Plafond € [\d.,]+ \(was € [\d.,]+\)/.test(melding)) throw new Error(`de melding is '${melding}'`);
  if ((await page.locator('#budget').inputValue()) !== '150.000.000') throw new Error('het budget staat niet meer in het veld');
  for (const t of ['Verschillen per gemeente', 'Verschillen per deelplan']) {
    const n = await page.locator(`table:has(caption:text-is("${t}")) tbody tr`).count();
    if (n === 0) throw new Error(`geen tabel '${t}' (of zonder rijen)`);
  }
  // De wat-als bewaart niets: de verdeling zelf is dezelfde.
  if ((await kerncijfers()).Besluit !== 'nog niet') throw new Error('na de wat-als is de verdeling besloten?');
  console.log(`      ${melding}`);
  await schermafdruk(page, 'wat-als', { afdekken: [await met_verdeling_id(page)] });
});

await stap('beslisser: de gevoeligheid voor de scores (eerst een ongeldige marge: 422)', async () => {
  const vid = verdeling();
  await als('demo-beslisser');
  await page.goto(`${BASIS}/verdeling/${vid}`);
  await page.locator('#marge').fill('veel');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Gevoeligheid berekenen' }).click(), { naar: new RegExp(`^/verdeling/${vid}\\?gevoeligheid=1&marge=veel`) });
  await bezoek(page, 'gevoeligheid-met-fout', { status: 422 });
  await page.locator('#marge').fill('0,5');
  await page.locator('#runs').fill('200');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Gevoeligheid berekenen' }).click(), { naar: new RegExp(`^/verdeling/${vid}\\?gevoeligheid=1&marge=0%2C5&runs=200`) });
  await bezoek(page, 'gevoeligheid');
  const kansen = await page.locator('table:has(caption:text-matches("^Kans op geld")) tbody tr td:last-child').allInnerTexts();
  if (kansen.length < 10) throw new Error(`de gevoeligheid toont ${kansen.length} deelplannen`);
  if (!kansen.every((k) => /^\d{1,3},\d{2}%$/.test(k.trim()))) throw new Error(`kansen zijn geen percentages: ${kansen.slice(0, 5).join(', ')}`);
  if (!kansen.some((k) => k.trim() === '100,00%')) throw new Error('geen enkel deelplan krijgt in alle runs geld');
});

await stap('beslisser: de verdeling vaststellen als besluit (eerst zonder reden: 422)', async () => {
  const id = aanvraag();
  const vid = verdeling();
  await als('demo-beslisser');
  await page.goto(`${BASIS}/verdeling/${vid}`);
  const vaststellen = () => page.getByRole('button', { name: 'Verdeling vaststellen als besluit' }).click();
  await wacht_op_navigatie(page, vaststellen, { naar: `/verdeling/${vid}/besluit` });
  await bezoek(page, 'besluit-zonder-reden', { status: 422 });
  await foutoverzicht(['reden']);
  if ((await kerncijfers()).Besluit !== 'nog niet') throw new Error('zonder reden toch besloten');
  await page.locator('#reden').fill('Verdeling volgens de rangorde van de commissie (browsertest)');
  await verstuur_303(vaststellen, `/verdeling/${vid}`);
  await bezoek(page, 'verdeling-besloten');
  const fout = page.locator('#foutoverzicht');
  if (await fout.count()) throw new Error(`het besluit is geweigerd: ${await tekst(fout)}`);
  const besluit = (await kerncijfers()).Besluit;
  if (!besluit || besluit === 'nog niet') throw new Error(`na het besluit staat bij Besluit '${besluit}'`);
  if ((await page.locator('#besluit-kop').count()) !== 0) throw new Error('na het besluit staat het formulier Besluiten er nog');
  // De aanvraag van de rondgang kreeg de uitkomst van haar deelplan.
  const eigen = (await rangorde()).find((x) => x.cellen[1] === `${NIEUW.kenmerk} DP1`);
  const verwacht = eigen.soort.includes('rvo-tag--success') ? 'toegekend' : eigen.soort.includes('rvo-tag--info') ? 'gedeeltelijk_toegekend' : 'afgewezen';
  const api = await page.request.get(`${BASIS}/api/v1/aanvragen/${id}`);
  if (!api.ok()) throw new Error(`/api/v1/aanvragen/${id}: status ${api.status()}`);
  const { status, penvoerder } = await api.json();
  gemeente = penvoerder;
  if (status !== verwacht) throw new Error(`de aanvraag van de rondgang heeft na het besluit status ${status}, verwacht ${verwacht} (${eigen.uitkomst})`);
  await page.goto(`${BASIS}/verdeling?ronde=${NIEUW.ronde}`);
  await bezoek(page, 'verdelingen-besloten');
  const tag = await tekst(page.locator('tbody tr', { has: page.locator(`a[href="/verdeling/${vid}"]`) }).locator('.rvo-tag'));
  if (!tag.startsWith('besloten')) throw new Error(`in de lijst van verdelingen staat bij ${vid} '${tag}', verwacht 'besloten …'`);
  console.log(`      besloten op ${besluit}; ${NIEUW.kenmerk}: ${status}`);
  await log_uit(page);
});

/** In de pagina, met de gefocuste link op de kaart: is de rand van zijn vlak anders dan die van een vlak zonder
 * focus (vhf.css: .vhf-kaart a:focus path)? true, of wat er mis is. */
const kaartfocus = (a) => {
  const p = a.querySelector('path');
  if (!p) return 'de link heeft geen <path>';
  const st = getComputedStyle(p);
  const ander = [...document.querySelectorAll('svg.vhf-kaart path.vhf-vlak')].find((x) => x !== p && !x.closest('a:focus'));
  const gewoon = getComputedStyle(ander);
  if (st.stroke === 'none' || parseFloat(st.strokeWidth) < 2) return `de rand van het vlak is ${st.stroke} ${st.strokeWidth}`;
  if (st.stroke === gewoon.stroke && st.strokeWidth === gewoon.strokeWidth) return `de rand (${st.stroke} ${st.strokeWidth}) is gelijk aan die zonder focus`;
  return true;
};

await stap('beslisser: de besluiten per gemeente opstellen uit de besloten verdeling (ondertekenen doet een ander)', async () => {
  await als('demo-beslisser');
  await page.goto(`${BASIS}/besluiten?ronde=${NIEUW.ronde}`);
  await bezoek(page, 'besluiten-leeg');
  await verstuur_303(() => page.getByRole('button', { name: 'Besluiten opstellen uit de besloten verdeling' }).click(), `/besluiten?ronde=${NIEUW.ronde}&gedaan=opgesteld`);
  await bezoek(page, 'besluiten-opgesteld');
  const rijen = await page.locator('tbody tr').count();
  if (rijen === 0) throw new Error('na opstellen staan er geen besluiten in de lijst');
  if ((await page.getByRole('button', { name: /^Ondertekenen/ }).count()) !== 0) throw new Error('de opsteller krijgt een knop om zelf te ondertekenen');
  await log_uit(page);
});

await stap('aanvrager: het besluit staat op het dossier, per deelplan met uitkomst, bedrag en uitleg', async () => {
  const id = aanvraag();
  await als('demo-aanvrager');
  await page.goto(`${BASIS}/aanvragen/${id}`);
  await bezoek(page, 'dossier-met-besluit');
  const sectie = page.locator('section[aria-labelledby="besluit-kop"]');
  if ((await sectie.count()) !== 1) throw new Error('geen sectie Besluit op het dossier na het besluit');
  const rij = (await sectie.locator('tbody tr').first().locator('td').allInnerTexts()).map((c) => c.trim());
  if (rij[0] !== 'DP1' || !rij[1] || !/^€ /.test(rij[2]) || rij[3].length < 20) throw new Error(`de regel van het besluit: ${JSON.stringify(rij)}`);
  await log_uit(page);
});

await stap('zonder in te loggen: het dashboard toont de toekenningen op de kaart en in de tabel', async () => {
  verdeling();
  if ((await ingelogd_als(page)) !== null) await log_uit(page);
  await page.goto(`${BASIS}/?ronde=${NIEUW.ronde}`);
  await bezoek(page, 'dashboard');
  const c = await kerncijfers();
  if (!EURO.test(c.Toegekend ?? '') || c.Toegekend === '€ 0,00') throw new Error(`Toegekend is '${c.Toegekend}' (alles: ${JSON.stringify(c)})`);
  if (!(await tekst(page.locator('main'))).includes('besloten op')) throw new Error("het dashboard zegt niet wanneer er 'besloten op' is");
  if ((await tekst(page.locator('#tabel-kop'))) !== 'Per gemeente') throw new Error('geen kop Per gemeente');
  const rijen = await page.locator('section[aria-labelledby="tabel-kop"] tbody tr[id^="GM"]').evaluateAll((trs) =>
    Object.fromEntries(trs.map((tr) => [tr.id, tr.cells[1].textContent.replace(/\s+/g, ' ').trim()])),
  );
  const links = await page.locator('svg.vhf-kaart a[href^="#GM"]').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.getAttribute('aria-label')]));
  if (links.length === 0) throw new Error('de kaart heeft geen links naar gemeenten met een toekenning');
  for (const [href, label] of links) {
    const m = /^(.+): (€ [\d.]+,\d\d)$/.exec(label ?? '');
    if (!m) throw new Error(`de link ${href} op de kaart heeft aria-label '${label}', verwacht 'Naam: € …'`);
    if (!(href.slice(1) in rijen)) throw new Error(`de link ${href} op de kaart wijst naar een rij die niet in de tabel Per gemeente staat`);
    if (rijen[href.slice(1)] !== m[2]) throw new Error(`de kaart zegt ${label}, de tabel ${rijen[href.slice(1)]}`);
  }
  if (links.length !== Object.keys(rijen).length) throw new Error(`${links.length} gemeenten op de kaart, ${Object.keys(rijen).length} in de tabel`);
  // De gemeente van de aanvraag van de rondgang kreeg (minstens) haar € 2.100.000,00.
  if (!gemeente) throw new Error('de gemeente van de aanvraag van de rondgang is onbekend: de stap van het besluit mislukte');
  const eigen = rijen[gemeente];
  if (!eigen || !links.some(([h]) => h === `#${gemeente}`)) throw new Error(`${gemeente} (de aanvraag van de rondgang) staat niet op de kaart en in de tabel`);
  const centen = (b) => Number(b.replace(/[€\s.]/g, '').replace(',', ''));
  if (centen(eigen) < 210_000_000) throw new Error(`${gemeente} kreeg ${eigen}, minder dan de € 2.100.000,00 van de aanvraag van de rondgang`);
  const som = Object.values(rijen).reduce((s, b) => s + centen(b), 0);
  if (som !== centen(c.Toegekend)) throw new Error(`de rijen tellen op tot ${som} cent, Toegekend is ${c.Toegekend}`);
  console.log(`      dashboard: toegekend ${c.Toegekend} aan ${links.length} gemeenten, ${gemeente} ${eigen}`);
  await schermafdruk(page, 'dashboard');

  // Met het toetsenbord naar die gemeente op de kaart (langs de gemeenten ervoor): de rand van het vlak is de
  // focusstijl; Enter gaat naar haar rij in de tabel.
  await page.mouse.move(0, 0);
  const t = met_toetsenbord(page);
  const href = `#${gemeente}`;
  await t.tab_naar(`svg.vhf-kaart a[href="${href}"]`, { max: 20 + links.length, focusstijl: kaartfocus });
  await page.keyboard.press('Enter');
  await page.waitForFunction((h) => location.hash === h, href);
  const doel = await page.evaluate(() => document.querySelector(':target')?.tagName.toLowerCase() + '#' + document.querySelector(':target')?.id);
  if (doel !== `tr${href}`) throw new Error(`Enter op ${href} brengt naar ${doel}, verwacht de rij ${href} in de tabel`);
});

await stap('zonder in te loggen: van het dashboard naar de tabel voor de Kamerbrief, met hetzelfde totaal', async () => {
  if ((await ingelogd_als(page)) !== null) await log_uit(page);
  await page.goto(`${BASIS}/?ronde=${NIEUW.ronde}`);
  const c = await kerncijfers();
  await wacht_op_navigatie(page, () => page.getByRole('link', { name: 'tabel voor de Kamerbrief' }).click(), { naar: `/openbaar/kamerbrief?ronde=${NIEUW.ronde}` });
  await bezoek(page, 'kamerbrief');
  const totaal = await tekst(page.locator('tfoot td').last());
  if (totaal !== c.Toegekend) throw new Error(`de Kamerbrief telt op tot ${totaal}, het dashboard zegt ${c.Toegekend}`);
  if (!(await tekst(page.locator('main'))).includes('Kadaster / CBS')) throw new Error('de tabel noemt de bron (Kadaster / CBS) niet');
  console.log(`      kamerbrief: totaal ${totaal}`);
  await schermafdruk(page, 'kamerbrief');
});

// ---------------------------------------------------------------------------------------------------------------
// Zonder in te loggen, en wie iets niet mag zien.

await stap('zonder in te loggen: de toegankelijkheidsverklaring, via de voettekst', async () => {
  if ((await ingelogd_als(page)) !== null) await log_uit(page);
  await page.goto(`${BASIS}/`);
  await bezoek(page, 'dashboard-voettekst');
  await wacht_op_navigatie(page, () => page.locator('footer').getByRole('link', { name: 'Toegankelijkheid' }).click(), { naar: '/toegankelijkheid' });
  await bezoek(page, 'toegankelijkheid');
  await schermafdruk(page, 'toegankelijkheid');
});

await stap('beheerder: een gebruiker opslaan, een parameterwijziging zonder bron (422) en een token dat één keer getoond wordt', async () => {
  await als('demo-beheerder');
  await page.goto(`${BASIS}/beheer`);
  await bezoek(page, 'beheer');
  await page.locator('#g_id').fill('zaanstad-nieuw');
  await page.locator('#g_naam').fill('Nieuwe medewerker Zaanstad');
  await page.locator('#g_rol').selectOption('aanvrager');
  await page.locator('#g_gemeente').fill('GM0479');
  await verstuur_303(() => page.getByRole('button', { name: 'Gebruiker opslaan' }).click(), '/beheer?opgeslagen=gebruiker');
  await bezoek(page, 'beheer-gebruiker-opgeslagen');
  if (!(await tekst(page.locator('#gebruikers-kop + div table'))).includes('zaanstad-nieuw')) throw new Error('de nieuwe gebruiker staat niet in de lijst');
  await page.locator('#p_parameter').selectOption('budget');
  await page.locator('#p_vanaf').fill('2021-05-18');
  await page.locator('#p_waarde').fill('500000000.00');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Wijziging vastleggen' }).click(), { naar: '/beheer/parameterwijzigingen' });
  await bezoek(page, 'parameterwijziging-zonder-bron', { status: 422 });
  await foutoverzicht(['p_bron']);
  if ((await page.locator('#p_waarde').inputValue()) !== '500000000.00') throw new Error('na de fout is de ingevulde waarde weg');
  await page.locator('#t_gebruiker').fill('zaanstad-nieuw');
  await page.locator('#t_omschrijving').fill('zaaksysteem Zaanstad (rondgang)');
  await wacht_op_navigatie(page, () => page.getByRole('button', { name: 'Token maken' }).click(), { naar: '/beheer/tokens' });
  await bezoek(page, 'token-gemaakt');
  const token = await page.locator('#token').inputValue();
  if (!/^vhf_[0-9a-f]{64}$/.test(token)) throw new Error(`het token ziet er niet uit als vhf_…: '${token}'`);
  const ik = await fetch(`${BASIS}/api/v1/ik`, { headers: { authorization: `Bearer ${token}` } });
  if (!ik.ok || (await ik.json()).id !== 'zaanstad-nieuw') throw new Error(`het token werkt niet: ${ik.status()}`);
  await log_uit(page);
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
