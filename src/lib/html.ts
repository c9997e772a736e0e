// Text as inert HTML, for the job summary, which @actions/core writes as HTML without escaping anything.

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '`': '&#96;'
}

/** Text as inert HTML: markup characters, Markdown table pipes and backticks escaped; line breaks kept as <br>. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'|`]/g, char => ENTITIES[char] ?? char).replace(/\r\n|\r|\n/g, '<br>')
}
