// The browser app arrives with the frontend work; until then this page says
// where the API is.
const app = document.getElementById('app');
const p = document.createElement('p');
p.textContent = 'The API is served under /api/v1 (see /openapi.json).';
app.replaceChildren(app.firstElementChild, p);
