import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Target } from '../../src/target/read.js'
import type { HealthReport } from '../../src/health/run.js'
import { escapeHtml } from '../../src/lib/html.js'
import { renderSummary, writeSummary } from '../../src/report/summary.js'
import type { IssuedToken } from '../../src/signin/issued-token.js'

const SERVICE = 'https://ws-dicom.dicom.azurehealthcareapis.com'
const TOKEN = 'eyJ0eXAiOiJKV1QifQ.c2VjcmV0LXBheWxvYWQ.signature-part'
const target: Target = {
  kind: 'dicom',
  resource: 'https://dicom.healthcareapis.azure.com',
  serviceUrl: `${SERVICE}/v2`
}
const token: IssuedToken = {
  token: TOKEN,
  expiresOn: new Date('2030-01-02T03:04:05Z'),
  resource: 'https://dicom.healthcareapis.azure.com',
  claims: { aud: 'https://dicom.healthcareapis.azure.com', oid: 'oid-123', appId: 'app-456', tenantId: 'tenant-789' },
  signInMethod: 'oidc'
}

const hostile = '<script>alert(1)</script> | a|b\n\nline two & "quoted" `code`'
const report: HealthReport = {
  health: 'unhealthy',
  checks: [
    {
      path: 'changefeed?limit=1',
      url: `${SERVICE}/v2/changefeed?limit=1`,
      expected: [200],
      status: 200,
      ok: true,
      attempts: 1,
      durationMs: 42
    },
    {
      path: 'studies?limit=1',
      url: `${SERVICE}/v2/studies?limit=1`,
      expected: [200, 204],
      status: 403,
      ok: false,
      attempts: 3,
      durationMs: 6012,
      error: hostile
    },
    { path: 'slow', url: `${SERVICE}/v2/slow`, expected: [200], ok: false, attempts: 1, durationMs: 30000, error: 'x' }
  ]
}

describe('escapeHtml', () => {
  it('makes markup, pipes, backticks and line breaks inert', () => {
    expect(escapeHtml(hostile)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &#124; a&#124;b<br><br>line two &amp; &quot;quoted&quot; &#96;code&#96;'
    )
    expect(escapeHtml("it's\r\nok")).toBe('it&#39;s<br>ok')
  })
})

describe('renderSummary', () => {
  const html = renderSummary([{ target, token }], report)

  it('shows the identity and never the token', () => {
    for (const value of ['app-456', 'oid-123', 'tenant-789', 'https://dicom.healthcareapis.azure.com', 'oidc']) {
      expect(html).toContain(value)
    }
    expect(html).toContain('2030-01-02T03:04:05.000Z')
    expect(html).toContain(`${SERVICE}/v2`)
    expect(html).not.toContain(TOKEN)
    for (const part of TOKEN.split('.')) expect(html).not.toContain(part)
  })

  it('tabulates every check with its outcome', () => {
    expect(html).toContain('Health: unhealthy')
    const rows = html.match(/<tr><td>/g) ?? []
    // Identity rows (7) plus one per check.
    expect(rows).toHaveLength(7 + report.checks.length)
    expect(html).toContain('<td>200, 204</td><td>403</td><td>❌ fail</td><td>3</td><td>6012 ms</td>')
    expect(html).toContain('<td>200</td><td>200</td><td>✅ pass</td>')
    expect(html).toContain('<td>no answer</td>')
  })

  it('escapes server text, so it cannot inject markup or break the table', () => {
    expect(html).not.toContain('<script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &#124; a&#124;b<br><br>line two')
    // A blank line would end the HTML block and let Markdown reinterpret the rest.
    expect(html).not.toMatch(/\n\s*\n/)
    for (const line of html.split('\n').filter(l => l.startsWith('<table>'))) expect(line).toMatch(/<\/table>$/)
  })

  it('says when no checks were asked for, and omits a service URL a bare resource lacks', () => {
    const bare = renderSummary([{ target: { kind: 'resource', resource: 'api://x' }, token }], {
      health: 'skipped',
      checks: []
    })
    expect(bare).toContain('Health: skipped')
    expect(bare).toContain('No health checks were asked for.')
    expect(bare).not.toContain('Service URL')
    expect(bare).not.toContain('<th>Check</th>')
  })
})

describe('writeSummary', () => {
  const saved = process.env.GITHUB_STEP_SUMMARY
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'summary-'))
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY
    else process.env.GITHUB_STEP_SUMMARY = saved
    rmSync(dir, { recursive: true, force: true })
  })

  it('appends to the job summary file', async () => {
    const file = join(dir, 'summary.md')
    writeFileSync(file, 'earlier step\n')
    process.env.GITHUB_STEP_SUMMARY = file
    await writeSummary('<h2>Hello</h2>\n')
    expect(readFileSync(file, 'utf8')).toBe('earlier step\n<h2>Hello</h2>\n\n')
  })

  it('does nothing outside a runner', async () => {
    delete process.env.GITHUB_STEP_SUMMARY
    await expect(writeSummary('<h2>Hello</h2>')).resolves.toBeUndefined()
  })
})
