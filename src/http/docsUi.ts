/**
 * How /docs looks: grouped by tag in our order, operations folded until opened, a search box, no
 * schema dump at the bottom — and readable on a phone. Swagger UI's page has no viewport meta, so
 * a phone draws it 980 px wide and shrinks it to unreadable: a small script adds the meta, and the
 * CSS lets long paths and tables wrap or scroll inside their box instead of widening the page.
 */
export const DOCS_UI_CONFIG = {
  docExpansion: 'list',
  deepLinking: true,
  filter: true,
  defaultModelsExpandDepth: -1,
  displayRequestDuration: true,
  tryItOutEnabled: false,
} as const;

const VIEWPORT_JS = `(function () {
  if (document.querySelector('meta[name="viewport"]')) return;
  var m = document.createElement('meta');
  m.name = 'viewport';
  m.content = 'width=device-width, initial-scale=1';
  document.head.appendChild(m);
})();
`;

const PHONE_CSS = `
.swagger-ui .topbar { display: none; }
.swagger-ui .information-container .info { margin: 16px 0; }
@media (max-width: 640px) {
  .swagger-ui .wrapper { padding: 0 8px; }
  .swagger-ui .info .title { font-size: 24px; }
  .swagger-ui .opblock-tag { font-size: 18px; padding: 8px 4px; flex-wrap: wrap; }
  .swagger-ui .opblock-tag small { flex-basis: 100%; padding: 4px 0 0; font-size: 13px; }
  .swagger-ui .opblock .opblock-summary { flex-wrap: wrap; padding: 6px; }
  .swagger-ui .opblock .opblock-summary-method { min-width: 56px; font-size: 12px; padding: 4px 0; }
  .swagger-ui .opblock .opblock-summary-path { max-width: calc(100% - 70px); word-break: break-all; font-size: 14px; flex: 1 1 auto; }
  .swagger-ui .opblock .opblock-summary-description { flex-basis: 100%; padding: 4px 0 0; font-size: 13px; }
  .swagger-ui .opblock-body, .swagger-ui .table-container, .swagger-ui .responses-inner { overflow-x: auto; }
  .swagger-ui .opblock-body pre, .swagger-ui .microlight { white-space: pre-wrap; word-break: break-word; }
  .swagger-ui .parameters-col_description { min-width: 0; }
  .swagger-ui .filter-container .operation-filter-input { width: 100%; }
  .swagger-ui .scheme-container { padding: 8px 0; }
  .swagger-ui .auth-wrapper { flex-wrap: wrap; }
}
`;

export const DOCS_THEME = {
  title: 'wablast API',
  js: [{ filename: 'viewport.js', content: VIEWPORT_JS }],
  css: [{ filename: 'phone.css', content: PHONE_CSS }],
};
