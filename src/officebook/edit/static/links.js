/* officebook edit: the editor's links on the preview's pages — 编辑 on every item page, 新建 on every
 * kind's index page, and links to the manual's settings (home page) and the glossary. Labels come
 * from this script's data attributes (set by the server in the interface language); the page address
 * says which entry a page shows (kind/id/). */
(function () {
  'use strict'
  const script = document.currentScript
  const site = script.dataset.site || '/'
  const kinds = ['functions', 'duties', 'procedures', 'standards', 'posts']
  let path = window.location.pathname
  if (!path.startsWith(site)) return
  path = path.slice(site.length).replace(/index\.html$/, '')
  const parts = path.split('/').filter(Boolean)
  let href = null
  let text = null
  if (parts.length === 2 && kinds.includes(parts[0]) && /^[a-z0-9][a-z0-9-]{0,63}$/.test(parts[1])) {
    href = `/_edit/${parts[0]}/${parts[1]}`
    text = script.dataset.edit
  } else if (parts.length === 1 && kinds.includes(parts[0])) {
    href = `/_edit/${parts[0]}/_new`
    text = script.dataset.new
  } else if (parts.length === 0) {
    href = '/_edit/manual'
    text = script.dataset.editManual
  } else if (parts.length === 1 && parts[0] === 'glossary') {
    href = '/_edit/glossary'
    text = script.dataset.editGlossary
  }
  if (!href) return
  function place () {
    const link = document.createElement('a')
    link.className = 'officebook-edit-link'
    link.href = href
    link.textContent = text
    const heading = document.querySelector('article h1, .md-content h1')
    if (heading) heading.appendChild(link)
    else document.body.insertBefore(link, document.body.firstChild)
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', place)
  else place()
})()
