// Rondgang door de onafhankelijke ondersteuning (issue 12, deel 6) in een echte browser, tegen `vhf serve --demo`
// met de ontwikkel-login en een vaste klok (2021-05-10 12:00). Gestart door crates/vhf/tests/browser.rs.
//
// Een gemeente buiten de prioriteitsgebieden (Noordoostpolder) krijgt geen formulier maar de reden; Schiedam
// (Schiedam Nieuwland-Oost) vraagt 20 uur aan, eerst zonder onderwerp (fout bij het veld, invoer blijft staan);
// RVO wijst eerst de adviseur met een belang bij Schiedam toe (geweigerd, met de reden) en dan een andere; die
// schrijft 3,5 uur en daarna te veel (geweigerd met de getallen); RVO keurt de uren goed en ziet het verslag per
// gebied; de adviseur zonder toewijzing ziet niets. Op elke pagina axe (WCAG 2.1 AA) en geen consolefouten.

import { BASIS, bezoek, klaar, log_in_als, log_uit, schermafdruk, start, stap, wacht_op_navigatie } from './hulp.mjs';

const { page } = await start();
const RONDE = '/ondersteuning?ronde=vhf-2021';

const tekst = async (locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const hoofd = () => tekst(page.locator('main'));

await stap('een gemeente buiten de prioriteitsgebieden krijgt de reden, geen formulier', async () => {
  await log_in_als(page, 'demo-aanvrager', { naar: '/aanvragen' });
  await page.goto(`${BASIS}${RONDE}`);
  await bezoek(page, 'ondersteuning-buiten-gebied');
  if (!(await hoofd()).includes('Noordoostpolder ligt niet in een prioriteitsgebied')) throw new Error('de reden ontbreekt');
  if ((await page.locator('form[action="/ondersteuning/verzoeken"]').count()) !== 0) throw new Error('toch een aanvraagformulier');
  await log_uit(page);
});

await stap('Schiedam vraagt ondersteuning aan (eerst zonder onderwerp)', async () => {
  await log_in_als(page, 'demo-aanvrager-2', { naar: '/aanvragen' });
  await page.goto(`${BASIS}${RONDE}`);
  await bezoek(page, 'ondersteuning-gemeente-leeg');
  const f = page.locator('form[action="/ondersteuning/verzoeken"]');
  await f.locator('#uren').fill('20');
  await wacht_op_navigatie(page, () => f.locator('button[type="submit"]').click(), { naar: '/ondersteuning/verzoeken' });
  await bezoek(page, 'ondersteuning-gemeente-fout', { status: 422 });
  if ((await page.locator('#foutoverzicht a[href="#onderwerp"]').count()) !== 1) throw new Error('geen fout bij het onderwerp in het foutoverzicht');
  if ((await page.locator('#uren').inputValue()) !== '20') throw new Error('de getypte uren zijn weg');
  await page.locator('#onderwerp').fill('Hulp bij het plan van aanpak en de businesscase voor Nieuwland-Oost');
  await page.locator('#deelplan').fill('SCHIEDAM-2021-01 DP1');
  await wacht_op_navigatie(page, () => page.locator('form[action="/ondersteuning/verzoeken"] button[type="submit"]').click(), {
    naar: `${RONDE}&gedaan=aangevraagd`,
  });
  await bezoek(page, 'ondersteuning-gemeente');
  const rij = await tekst(page.locator('main table tbody tr').first());
  if (!rij.includes('Schiedam Nieuwland-Oost') || !rij.includes('aangevraagd') || !rij.includes('20 uur')) throw new Error(`de rij: ${rij}`);
  await schermafdruk(page, 'ondersteuning-gemeente');
  await log_uit(page);
});

await stap('RVO wijst toe: niet de adviseur met een belang bij Schiedam', async () => {
  await log_in_als(page, 'demo-behandelaar', { naar: '/behandeling' });
  await page.goto(`${BASIS}${RONDE}`);
  await bezoek(page, 'ondersteuning-rvo-voor');
  const f = page.locator('form[action$="/toewijzing"]').first();
  await f.locator('select[name="adviseur"]').selectOption('demo-adviseur-2');
  await wacht_op_navigatie(page, () => f.locator('button[type="submit"]').click());
  await bezoek(page, 'ondersteuning-rvo-belang', { status: 422 });
  if (!(await hoofd()).includes('heeft een belang bij Schiedam')) throw new Error('geen melding van het belangenconflict');
  const g = page.locator('form[action$="/toewijzing"]').first();
  await g.locator('select[name="adviseur"]').selectOption('demo-adviseur');
  await wacht_op_navigatie(page, () => g.locator('button[type="submit"]').click(), { naar: `${RONDE}&gedaan=toegewezen` });
  await bezoek(page, 'ondersteuning-rvo');
  const rij = await tekst(page.locator('section[aria-labelledby="verzoeken-kop"] tbody tr').first());
  if (!rij.includes('toegewezen') || !rij.includes('demo-adviseur')) throw new Error(`de rij: ${rij}`);
  await log_uit(page);
});

await stap('de adviseur schrijft uren, en te veel wordt geweigerd met de getallen', async () => {
  await log_in_als(page, 'demo-adviseur', { naar: '/ondersteuning' });
  await page.goto(`${BASIS}${RONDE}`);
  await bezoek(page, 'ondersteuning-adviseur-voor');
  const schrijf = async (uren, omschrijving, naar) => {
    const f = page.locator('form[action$="/uren"]').first();
    await f.locator('input[name="datum"]').fill('2021-05-10');
    await f.locator('input[name="uren"]').fill(uren);
    await f.locator('input[name="omschrijving"]').fill(omschrijving);
    await wacht_op_navigatie(page, () => f.locator('button[type="submit"]').click(), naar ? { naar } : {});
  };
  await schrijf('3,5', 'Intake met de gemeente en de corporatie', `${RONDE}&gedaan=uren`);
  await bezoek(page, 'ondersteuning-adviseur');
  await schrijf('12', 'Uitwerking businesscase');
  await schrijf('12', 'Uitwerking businesscase (vervolg)');
  await bezoek(page, 'ondersteuning-adviseur-te-veel', { status: 422 });
  const m = await hoofd();
  if (!m.includes('12 uur past niet') || !m.includes('nog 4,5 uur over')) throw new Error(`geen melding met de getallen: ${m.slice(0, 400)}`);
  await schermafdruk(page, 'ondersteuning-adviseur');
  await log_uit(page);
});

await stap('RVO keurt de uren goed; het verslag per gebied', async () => {
  await log_in_als(page, 'demo-behandelaar', { naar: '/behandeling' });
  await page.goto(`${BASIS}${RONDE}`);
  const f = page.locator('form[action$="/beoordeling"]').first();
  await wacht_op_navigatie(page, () => f.getByRole('button', { name: 'Goedkeuren' }).click(), { naar: `${RONDE}&gedaan=beoordeeld` });
  await bezoek(page, 'ondersteuning-verslag');
  const v = await tekst(page.locator('section[aria-labelledby="verslag-kop"] tbody tr').first());
  if (!v.includes('Schiedam Nieuwland-Oost') || !v.includes('3,5 uur') || !v.includes('400 uur')) throw new Error(`het verslag: ${v}`);
  await schermafdruk(page, 'ondersteuning-rvo');
  await log_uit(page);
});

await stap('een adviseur zonder toewijzing ziet geen verzoeken', async () => {
  await log_in_als(page, 'demo-adviseur-2', { naar: '/ondersteuning' });
  await bezoek(page, 'ondersteuning-adviseur-leeg');
  if ((await page.locator('section[aria-labelledby="verzoeken-kop"] table').count()) !== 0) throw new Error('de adviseur ziet verzoeken van een ander');
  await log_uit(page);
});

await klaar();
