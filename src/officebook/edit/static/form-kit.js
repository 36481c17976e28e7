/* officebook edit: what the form's scripts share — the page's settings and words, the lists of
 * entries for pickers, small helpers, and the picker that searches titles and stores ids. Loaded
 * first; form-widgets.js and editor.js take what they need from window.officebookForm. Nothing
 * from the content is ever put into the page as HTML here: only text nodes. */
(function () {
  'use strict'
  const config = JSON.parse(document.getElementById('officebook-edit-config').textContent)
  const S = config.strings
  const LANGS = config.languages
  const DEFAULT = LANGS[0]
  const lists = {} // kind -> [{id, title}]
  const state = { editor: null, idInput: null } // set by editor.js once the form is drawn

  // ---- small helpers ----------------------------------------------------------------------------
  function el (tag, cls, text) {
    const node = document.createElement(tag)
    if (cls) node.className = cls
    if (text !== undefined && text !== null) node.textContent = text
    return node
  }
  function textOf (value, lang) {
    if (value === undefined || value === null) return ''
    if (typeof value === 'string') return value
    if (typeof value === 'object') {
      const uiLang = (config.lang || '').split('_')[0]
      return value[lang || uiLang] || value[DEFAULT] || Object.values(value).find(v => typeof v === 'string') || ''
    }
    return String(value)
  }
  // An entry as an author knows it: by its title; the id only tells apart two entries of one title.
  function itemLabel (entry, kind) {
    const title = textOf(entry.title)
    if (!title) return entry.id
    const twins = (lists[kind] || []).filter(other => other !== entry && textOf(other.title) === title)
    return twins.length ? `${title}（${entry.id}）` : title
  }
  function fill (template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) => name in values ? values[name] : whole)
  }
  async function api (method, path, body) {
    const options = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' }
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json'
      options.body = JSON.stringify(body)
    }
    const response = await fetch(config.api + path, options)
    let data = {}
    try { data = await response.json() } catch (e) { data = {} }
    return { status: response.status, data }
  }
  function sameValue (a, b) { return JSON.stringify(a) === JSON.stringify(b) }

  // A picker that searches titles and ids and stores ids: a search box filtering a <select>.
  function picker (entries, current, onPick, allowEmpty) {
    const box = el('span', 'ob-picker')
    const search = el('input', 'ob-search')
    search.type = 'search'
    search.placeholder = S.search
    const select = el('select', 'ob-select')
    function fill () {
      const query = search.value.trim().toLowerCase()
      select.textContent = ''
      const first = el('option', null, allowEmpty ? S.none : S.choose)
      first.value = ''
      select.appendChild(first)
      let known = false
      for (const entry of entries()) {
        const text = entry.label
        if (entry.value === current()) known = true
        if (query && !text.toLowerCase().includes(query) && entry.value !== current()) continue
        const option = el('option', null, text)
        option.value = entry.value
        select.appendChild(option)
      }
      if (current() && !known) {
        const option = el('option', null, current())
        option.value = current()
        select.appendChild(option)
      }
      select.value = current() || ''
    }
    search.addEventListener('input', fill)
    select.addEventListener('focus', fill) // the entries may have changed (steps added to this procedure)
    select.addEventListener('change', () => onPick(select.value))
    box.append(search, select)
    box.refill = fill
    fill()
    return box
  }
  function entriesOf (kind) {
    if (kind === '*') {
      const all = []
      for (const k of ['functions', 'duties', 'procedures', 'standards', 'posts']) {
        for (const entry of lists[k] || []) {
          all.push({ value: `${k}/${entry.id}`, label: `${S['kind_' + k]}：${itemLabel(entry, k)}` })
          if (k === 'procedures') all.push(...stepEntries(entry))
        }
      }
      return all
    }
    return (lists[kind] || []).map(entry => ({ value: entry.id, label: itemLabel(entry, kind) }))
  }
  // A procedure's steps as link targets (`procedures/ID#STEP`): the saved ones from the listing, or
  // in the procedure's own form the steps as they are in the form now.
  function ownProcedure () {
    if (config.kind !== 'procedures' || !state.editor) return null
    const id = (state.idInput && state.idInput.value.trim()) || config.id
    const title = state.editor.getEditor('root.title')
    return id ? { id, title: title ? title.getValue() : '', steps: stepChoices() } : null
  }
  function stepEntries (procedure) {
    const own = ownProcedure()
    const steps = own && (procedure.id === config.id || procedure.id === own.id) ? own.steps : procedure.steps || []
    const name = textOf(procedure.title) || procedure.id
    return steps.filter(step => step.id).map((step, index) => ({
      value: `procedures/${procedure.id}#${step.id}`,
      label: `${S.kind_procedures}：${name} · ${fill(S.step_number, { number: index + 1 })} ${textOf(step.title)}`,
      title: step.title
    }))
  }
  function linkEntries () {
    const all = entriesOf('*')
    const own = ownProcedure()
    if (own && !(lists.procedures || []).some(p => p.id === own.id || p.id === config.id)) all.push(...stepEntries(own))
    return all
  }

  // The steps of the procedure in the form, numbered, with their titles (for `next` and step links).
  function stepChoices () {
    const steps = state.editor ? state.editor.getEditor('root.steps') : null
    const value = steps ? steps.getValue() || [] : []
    return value.map((step, index) => ({
      id: step.id,
      number: index + 1,
      title: step.title || step.action || fill(S.step_number, { number: index + 1 })
    }))
  }

  window.officebookForm = {
    config, S, LANGS, DEFAULT, lists, state, el, textOf, fill, api, sameValue, picker, entriesOf, linkEntries, stepChoices
  }
})()
