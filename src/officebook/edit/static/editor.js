/* officebook edit: the form of one entry, drawn by JSON Editor (@json-editor/json-editor, vendored)
 * from the kind's JSON Schema (served translated by /_edit/api/_schema/KIND), with officebook's own
 * widgets for what an author thinks in: texts as one box per language, references as pickers that
 * search titles, RACI as a grid, a step's next steps by title. Nothing from the content is ever put
 * into the page as HTML, except the Markdown preview, which the server renders and sanitises exactly
 * as the built site does. */
(function () {
  'use strict'
  const config = JSON.parse(document.getElementById('officebook-edit-config').textContent)
  const S = config.strings
  const LANGS = config.languages
  const DEFAULT = LANGS[0]
  const lists = {} // kind -> [{id, title}]
  let original = null
  let revision = null
  let editor = null

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
    if (config.kind !== 'procedures' || !editor) return null
    const id = (idInput && idInput.value.trim()) || config.id
    return id ? { id, title: editor.getEditor('root.title') ? editor.getEditor('root.title').getValue() : '', steps: stepChoices() } : null
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

  // ---- the widgets --------------------------------------------------------------------------------
  const Abstract = JSONEditor.AbstractEditor

  class Base extends Abstract {
    buildLabel () {
      this.label = this.header = this.theme.getFormInputLabel(this.getTitle(), this.isRequired())
      if (this.schema.description) this.description = this.theme.getFormInputDescription(this.schema.description)
    }
    place (body) {
      this.findings = el('div', 'ob-field-findings')
      this.control = this.theme.getFormControl(this.label, body, this.description)
      this.control.classList.add('ob-control')
      this.control.insertBefore(this.findings, this.control.firstChild)
      this.container.appendChild(this.control)
    }
    getValue () { return this.value }
    getNumColumns () { return 12 }
    destroy () {
      if (this.control && this.control.parentNode) this.control.parentNode.removeChild(this.control)
      super.destroy()
    }
    changed () { this.is_dirty = true; this.onChange(true) }
  }

  // A text: one box per language, side by side, the default language first.
  class TextEditor extends Base {
    build () {
      this.buildLabel()
      const row = el('div', 'ob-langs')
      this.inputs = {}
      const long = this.schema['x-markdown']
      for (const lang of LANGS) {
        const cell = el('label', 'ob-lang')
        cell.appendChild(el('span', 'ob-lang-name', S['language_' + lang] || lang))
        cell.appendChild(this.box(lang, long))
        row.appendChild(cell)
      }
      const body = el('div', 'ob-text')
      body.appendChild(row)
      if (long) body.appendChild(this.markdownTools())
      this.place(body)
    }
    box (lang, long) {
      const input = el(long ? 'textarea' : 'input', 'ob-input')
      if (long) input.rows = 3
      input.lang = lang
      if (lang !== DEFAULT) input.placeholder = S.untranslated
      input.addEventListener('input', () => { this.refresh(); this.changed() })
      input.addEventListener('focus', () => { this.lastFocused = input })
      this.inputs[lang] = input
      return input
    }
    markdownTools () {
      const tools = el('div', 'ob-md-tools')
      const previewButton = el('button', 'ob-small', S.preview)
      previewButton.type = 'button'
      const preview = el('div', 'ob-preview')
      preview.hidden = true
      previewButton.addEventListener('click', async () => {
        if (!preview.hidden) { preview.hidden = true; previewButton.textContent = S.preview; return }
        preview.textContent = ''
        for (const lang of LANGS) {
          const text = this.inputs[lang].value
          if (!text) continue
          const result = await api('POST', '_preview', { markdown: text })
          const part = el('div', 'ob-preview-lang')
          part.lang = lang
          part.innerHTML = result.data.html || '' // sanitised by the server as on the built site
          preview.appendChild(part)
        }
        preview.hidden = false
        previewButton.textContent = S.hide_preview
      })
      const linkLabel = el('span', 'ob-link-label', S.insert_link)
      let chosen = ''
      const links = picker(linkEntries, () => chosen, value => {
        if (!value) return
        const [kind, rest] = value.split('/')
        const [id, step] = rest.split('#')
        const input = this.lastFocused || this.inputs[DEFAULT]
        let title = id
        if (step) { // a step: its title as the label
          const found = linkEntries().find(e => e.value === value)
          title = found ? textOf(found.title, input.lang) || step : step
        } else {
          const entry = (lists[kind] || []).find(e => e.id === id)
          title = entry ? textOf(entry.title, input.lang) : id
        }
        const link = `[${title.replace(/[[\]]/g, '')}](${value})`
        const start = input.selectionStart ?? input.value.length
        const end = input.selectionEnd ?? input.value.length
        input.value = input.value.slice(0, start) + link + input.value.slice(end)
        input.focus()
        input.selectionStart = input.selectionEnd = start + link.length
        this.refresh()
        this.changed()
        chosen = ''
        links.refill()
      }, false)
      tools.append(previewButton, linkLabel, links, preview)
      return tools
    }
    setValue (value, initial) {
      this.raw = value
      const texts = {}
      for (const lang of LANGS) {
        let text = ''
        if (typeof value === 'string') text = lang === DEFAULT ? value : ''
        else if (value && typeof value === 'object') text = typeof value[lang] === 'string' ? value[lang] : ''
        texts[lang] = text
      }
      // A text longer than its one-line box (a trigger, a time limit) gets boxes of several lines, to be read whole.
      const columns = text => [...text].reduce((sum, c) => sum + (c.charCodeAt(0) > 0x2e80 ? 2 : 1), 0) // CJK: two
      if (Object.values(texts).some(text => columns(text) > 56 || text.includes('\n'))) {
        for (const lang of LANGS) {
          const old = this.inputs[lang]
          if (old.tagName === 'INPUT') old.replaceWith(this.box(lang, true))
        }
      }
      for (const lang of LANGS) {
        const text = texts[lang]
        this.inputs[lang].value = text
        if (this.inputs[lang].tagName === 'TEXTAREA') {
          const minimum = this.schema['x-markdown'] ? 3 : 2
          this.inputs[lang].rows = Math.min(14, Math.max(minimum, Math.ceil(columns(text) / 52) + (text.match(/\n/g) || []).length))
        }
      }
      this.value = value
      this.refresh()
      if (!initial) this.is_dirty = true
      this.onChange(!initial)
    }
    refresh () {
      const raw = this.raw
      const out = {}
      // languages the manual does not list are kept as the author wrote them
      if (raw && typeof raw === 'object') for (const [k, v] of Object.entries(raw)) if (!LANGS.includes(k)) out[k] = v
      let filled = 0
      for (const lang of LANGS) {
        const text = this.inputs[lang].value
        if (text !== '') { out[lang] = text; filled++ }
      }
      const onlyDefault = filled === 1 && out[DEFAULT] !== undefined && Object.keys(out).length === 1
      if (filled === 0 && Object.keys(out).length === 0) this.value = undefined
      else if (onlyDefault && (typeof raw === 'string' || (raw === undefined && this.schema['x-plain-ok'] && LANGS.length === 1))) this.value = out[DEFAULT]
      else {
        const ordered = {}
        const order = raw && typeof raw === 'object' ? Object.keys(raw).concat(LANGS) : LANGS
        for (const k of order) if (out[k] !== undefined && ordered[k] === undefined) ordered[k] = out[k]
        for (const k of Object.keys(out)) if (ordered[k] === undefined) ordered[k] = out[k]
        this.value = ordered
      }
    }
  }

  // One reference: a picker over the titles of a kind.
  class RefEditor extends Base {
    build () {
      this.buildLabel()
      this.box = picker(() => entriesOf(this.schema['x-kind']), () => this.value || '', value => {
        this.value = value || undefined
        this.changed()
      }, !this.isRequired())
      this.place(this.box)
    }
    setValue (value, initial) {
      this.value = value || undefined
      if (this.box) this.box.refill()
      this.onChange(!initial)
    }
  }

  // A list of references: chosen entries as removable chips, a picker to add one.
  class RefsEditor extends Base {
    build () {
      this.buildLabel()
      const body = el('div', 'ob-refs')
      this.chips = el('div', 'ob-chips')
      let adding = ''
      this.adder = picker(() => entriesOf(this.schema['x-kind']).filter(e => !(this.value || []).includes(e.value)),
        () => adding, value => {
          if (!value) return
          this.value = (this.value || []).concat([value])
          adding = ''
          this.draw()
          this.changed()
        }, false)
      body.append(this.chips, this.adder)
      this.place(body)
    }
    draw () {
      this.chips.textContent = ''
      const known = Object.fromEntries(entriesOf(this.schema['x-kind']).map(e => [e.value, e.label]))
      for (const id of this.value || []) {
        const chip = el('span', 'ob-chip', known[id] || id)
        const remove = el('button', 'ob-chip-remove', '×')
        remove.type = 'button'
        remove.title = S.remove
        remove.setAttribute('aria-label', `${S.remove} ${known[id] || id}`)
        remove.addEventListener('click', () => {
          this.value = (this.value || []).filter(v => v !== id)
          this.draw()
          this.changed()
        })
        chip.appendChild(remove)
        this.chips.appendChild(chip)
      }
      this.adder.refill()
    }
    setValue (value, initial) {
      this.value = Array.isArray(value) ? value.slice() : undefined
      if (this.chips) this.draw()
      this.onChange(!initial)
    }
  }

  // A duty's RACI: one row per post, columns R (several), A (exactly one), C and I (several).
  class RaciEditor extends Base {
    build () {
      this.buildLabel()
      const props = this.schema.properties || {}
      this.roles = ['responsible', 'accountable', 'consulted', 'informed']
      const table = el('table', 'ob-raci')
      const head = el('tr')
      head.appendChild(el('th', null, S.post))
      for (const role of this.roles) {
        const th = el('th', null, (props[role] && props[role].title) || S[role])
        if (props[role] && props[role].description) th.title = props[role].description
        head.appendChild(th)
      }
      const thead = el('thead')
      thead.appendChild(head)
      table.appendChild(thead)
      this.tbody = el('tbody')
      table.appendChild(this.tbody)
      const wrap = el('div', 'ob-raci-wrap')
      wrap.appendChild(table)
      this.place(wrap)
    }
    draw () {
      this.tbody.textContent = ''
      const value = this.value || {}
      const posts = (lists.posts || []).map(p => p.id)
      for (const role of this.roles) for (const id of [].concat(value[role] || [])) if (!posts.includes(id)) posts.push(id)
      for (const id of posts) {
        const entry = (lists.posts || []).find(p => p.id === id)
        const row = el('tr')
        row.appendChild(el('th', 'ob-raci-post', entry ? textOf(entry.title) : id))
        for (const role of this.roles) {
          const cell = el('td')
          const input = el('input')
          input.type = role === 'accountable' ? 'radio' : 'checkbox'
          input.name = `${this.path}-accountable`
          input.setAttribute('aria-label', `${entry ? textOf(entry.title) : id} ${S[role]}`)
          input.dataset.role = role
          input.dataset.post = id
          input.checked = role === 'accountable' ? value.accountable === id : (value[role] || []).includes(id)
          input.addEventListener('change', () => this.pick(role, id, input.checked))
          if (role === 'accountable') {
            // a second click on the accountable post clears it (a radio button alone cannot be cleared)
            input.addEventListener('click', () => {
              if (input.dataset.was === 'on') { input.checked = false; this.pick(role, id, false) }
              this.tbody.querySelectorAll('input[type=radio]').forEach(r => { r.dataset.was = r.checked ? 'on' : '' })
            })
            input.dataset.was = input.checked ? 'on' : ''
          }
          cell.appendChild(input)
          row.appendChild(cell)
        }
        this.tbody.appendChild(row)
      }
    }
    pick (role, id, on) {
      const value = Object.assign({}, this.value || {})
      if (role === 'accountable') value.accountable = on ? id : undefined
      else {
        const list = (value[role] || []).filter(v => v !== id)
        if (on) list.push(id)
        value[role] = list
      }
      this.value = value
      this.changed()
    }
    setValue (value, initial) {
      this.value = value && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : {}
      if (this.tbody) this.draw()
      this.onChange(!initial)
    }
  }

  // A step's next steps: the next in the list (no `next`), the end (`[]`), or steps chosen by title.
  class NextEditor extends Base {
    getDefault () { return undefined }
    build () {
      this.buildLabel()
      const body = el('div', 'ob-next')
      this.modes = {}
      const group = `${this.path}-mode`
      for (const [mode, text] of [['default', S.next_default], ['end', S.next_end], ['choose', S.next_choose]]) {
        const label = el('label', 'ob-next-mode')
        const radio = el('input')
        radio.type = 'radio'
        radio.name = group
        radio.value = mode
        radio.addEventListener('change', () => {
          if (!radio.checked) return
          this.value = mode === 'default' ? undefined : mode === 'end' ? [] : (this.value && this.value.length ? this.value : [])
          this.mode = mode
          this.draw()
          this.changed()
        })
        label.append(radio, document.createTextNode(text))
        body.appendChild(label)
        this.modes[mode] = radio
      }
      this.targets = el('div', 'ob-next-targets')
      body.appendChild(this.targets)
      this.place(body)
      this.signature = ''
      this.jsoneditor.watch('root.steps', () => {
        const sig = JSON.stringify(stepChoices())
        if (sig !== this.signature) this.draw()
      })
    }
    draw () {
      if (!this.targets) return
      const mode = this.mode || (this.value === undefined ? 'default' : this.value.length === 0 ? 'end' : 'choose')
      this.modes[mode].checked = true
      this.targets.textContent = ''
      this.targets.hidden = mode !== 'choose'
      const own = this.path.split('.').slice(0, -1).join('.')
      const ownEditor = this.jsoneditor.getEditor(own + '.id')
      const ownId = ownEditor ? ownEditor.getValue() : null
      const choices = stepChoices()
      this.signature = JSON.stringify(choices)
      for (const step of choices) {
        if (step.id === ownId) continue
        const label = el('label', 'ob-next-target')
        const box = el('input')
        box.type = 'checkbox'
        box.checked = (this.value || []).includes(step.id)
        box.addEventListener('change', () => {
          const list = (this.value || []).filter(v => v !== step.id)
          if (box.checked) list.push(step.id)
          this.value = list
          this.changed()
        })
        label.append(box, document.createTextNode(`${step.number}. ${textOf(step.title)}`))
        this.targets.appendChild(label)
      }
    }
    setValue (value, initial) {
      this.value = Array.isArray(value) ? value.slice() : undefined
      this.mode = null
      this.draw()
      this.onChange(!initial)
    }
  }

  function stepChoices () {
    const steps = editor ? editor.getEditor('root.steps') : null
    const value = steps ? steps.getValue() || [] : []
    return value.map((step, index) => ({
      id: step.id,
      number: index + 1,
      title: step.title || step.action || fill(S.step_number, { number: index + 1 })
    }))
  }

  JSONEditor.defaults.editors.obText = TextEditor
  JSONEditor.defaults.editors.obRef = RefEditor
  JSONEditor.defaults.editors.obRefs = RefsEditor
  JSONEditor.defaults.editors.obRaci = RaciEditor
  JSONEditor.defaults.editors.obNext = NextEditor
  const FORMATS = { 'ob-text': 'obText', 'ob-ref': 'obRef', 'ob-refs': 'obRefs', 'ob-raci': 'obRaci', 'ob-next': 'obNext' }
  JSONEditor.defaults.resolvers.unshift(schema => FORMATS[schema.format])

  JSONEditor.defaults.languages.officebook = Object.assign({}, JSONEditor.defaults.languages.en, {
    button_add_row_title: fill(S.add_item, { item: '{{0}}' }),
    button_delete_row_title: fill(S.delete_item, { item: '{{0}}' }),
    button_delete_row_title_short: S.delete_row,
    button_move_up_title: S.move_up,
    button_move_down_title: S.move_down,
    button_delete_last: fill(S.delete_item, { item: '{{0}}' }),
    button_delete_last_title: fill(S.delete_item, { item: '{{0}}' }),
    button_delete_all: S.delete_row,
    button_delete_all_title: S.delete_row,
    button_delete_node_warning: S.confirm_delete,
    button_collapse: '▾',
    button_expand: '▸',
    default_array_item_title: S.step
  })
  JSONEditor.defaults.language = 'officebook'

  // ---- the file's data ⇄ the form's -----------------------------------------------------------------
  function toForm (item) {
    const value = JSON.parse(JSON.stringify(item || {}))
    if (config.kind === 'duties' && Array.isArray(value.tasks)) {
      value.tasks = value.tasks.map(task => task && typeof task === 'object' && 'action' in task ? task : { action: task })
    }
    return value
  }
  function fromForm (value) {
    const item = JSON.parse(JSON.stringify(value))
    if (config.kind === 'duties' && Array.isArray(item.tasks)) {
      item.tasks = item.tasks.map(task => task && !task.frequency && Object.keys(task).length <= 2 ? task.action : task)
    }
    return clean(item, original || {})
  }
  // Empty fields are left out, unless the author wrote them so (`informed: []`); a step's `next: []` means "the end".
  // An unticked box the file does not have is left out too (the contract's switches are off unless written).
  function clean (value, before, key) {
    if (Array.isArray(value)) {
      return value.map((v, i) => clean(v, Array.isArray(before) ? before[i] : undefined)).filter(v => v !== undefined)
    }
    if (value && typeof value === 'object') {
      const out = {}
      for (const [k, v] of Object.entries(value)) {
        const prior = before && typeof before === 'object' ? before[k] : undefined
        const cleaned = clean(v, prior, k)
        const empty = cleaned === undefined || cleaned === '' || cleaned === false || (Array.isArray(cleaned) && cleaned.length === 0 && k !== 'next') ||
          (cleaned && typeof cleaned === 'object' && !Array.isArray(cleaned) && Object.keys(cleaned).length === 0)
        if (!empty || sameValue(cleaned, prior)) out[k] = cleaned
      }
      return out
    }
    return value
  }

  // A new step's id follows its title (in pinyin) until the author types one of their own.
  const proposedStepIds = new Set()
  async function stepIdsFromTitles () {
    const steps = editor.getEditor('root.steps')
    if (!steps) return
    const value = steps.getValue() || []
    const before = new Set(((original && original.steps) || []).map(s => s.id))
    for (const [index, step] of value.entries()) {
      const idEditor = editor.getEditor(`root.steps.${index}.id`)
      const title = step.title
      const titles = typeof title === 'string' ? [title] : title ? LANGS.map(l => title[l]).filter(Boolean) : []
      if (!idEditor || before.has(step.id) || !titles.length) continue
      if (step.id && !/^step-\d+$/.test(step.id) && !proposedStepIds.has(step.id)) continue
      const taken = value.filter((_, i) => i !== index).map(s => s.id)
      const result = await api('POST', '_propose-id', { kind: 'steps', titles, taken })
      if (result.status === 200 && result.data.id !== step.id) {
        proposedStepIds.add(result.data.id)
        idEditor.setValue(result.data.id)
        value.forEach((other, i) => { // steps that lead here follow the new id
          const nextEditor = editor.getEditor(`root.steps.${i}.next`)
          const next = nextEditor && nextEditor.getValue()
          if (Array.isArray(next) && next.includes(step.id)) nextEditor.setValue(next.map(v => v === step.id ? result.data.id : v))
        })
      }
    }
  }
  let stepTimer = null
  let stepCount = null
  function stepsChanged () {
    fillStepIds()
    forgetRemovedSteps()
    clearTimeout(stepTimer)
    stepTimer = setTimeout(stepIdsFromTitles, 400)
  }

  // A step removed from the list is removed from the others' next steps too (a step whose only next
  // step it was goes on to the next in the list again), so no `next` names a step that is gone.
  function forgetRemovedSteps () {
    const steps = editor.getEditor('root.steps')
    const value = (steps && steps.getValue()) || []
    const before = stepCount
    stepCount = value.length
    if (before === null || value.length >= before) return
    const ids = new Set(value.map(s => s.id))
    value.forEach((step, index) => {
      const nextEditor = editor.getEditor(`root.steps.${index}.next`)
      const next = nextEditor && nextEditor.getValue()
      if (!Array.isArray(next) || next.every(id => ids.has(id))) return
      const kept = next.filter(id => ids.has(id))
      nextEditor.setValue(kept.length ? kept : undefined)
    })
  }

  // Steps get an id as soon as they are added (`next` refers to steps by id); the id is not shown:
  // authors pick steps by title, and the id follows the title of a new step (stepIdsFromTitles).
  function fillStepIds () {
    const steps = editor.getEditor('root.steps')
    if (!steps) return
    const value = steps.getValue() || []
    const used = new Set(value.map(s => s.id).filter(Boolean))
    value.forEach((step, index) => {
      if (step.id) return
      let n = index + 1
      while (used.has(`step-${n}`)) n++
      used.add(`step-${n}`)
      const idEditor = editor.getEditor(`root.steps.${index}.id`)
      if (idEditor) idEditor.setValue(`step-${n}`)
    })
  }

  // ---- findings at their fields -------------------------------------------------------------------
  function clearFindings () {
    document.querySelectorAll('.ob-finding').forEach(node => node.remove())
    document.querySelectorAll('.ob-has-finding').forEach(node => node.classList.remove('ob-has-finding'))
    const summary = document.getElementById('ob-summary')
    summary.hidden = true
    summary.textContent = ''
  }
  function editorFor (location) {
    let parts = (location || []).slice()
    if (config.kind === 'duties' && parts[0] === 'tasks' && parts.length >= 2 && typeof parts[2] !== 'string') parts = parts.slice(0, 2).concat(['action'], parts.slice(2))
    while (parts.length) {
      const found = editor.getEditor(['root'].concat(parts).join('.'))
      if (found && !(found.options && found.options.hidden)) return found // a step's id: its step
      parts.pop()
    }
    return null
  }
  // Where a finding is, in the form's words (标题, 步骤 3 › 下一步) rather than the file's (steps.2.next).
  function fieldName (fieldEditor) {
    const names = []
    for (let node = fieldEditor; node && node.parent; node = node.parent) {
      const title = node.header_text || (node.getTitle && node.getTitle())
      if (title) names.unshift(title)
    }
    return names.join(' › ')
  }
  // A missing field in the form's words: named by its title and marked at the field itself (the check
  // names the YAML key and says how to type it, for those who edit the file).
  function inFormWords (finding, item) {
    if (finding.code !== 'schema.required') return finding
    const parent = editorFor(finding.location)
    const properties = (parent && parent.schema && parent.schema.properties) || {}
    let value = item
    for (const part of finding.location || []) value = value && typeof value === 'object' ? value[part] : undefined
    const key = Object.keys(properties).find(k => new RegExp(`['"“‘]${k}['"”’]`).test(finding.message) &&
      !(value && typeof value === 'object' && value[k] !== undefined))
    if (!key) return finding
    return Object.assign({}, finding, {
      location: (finding.location || []).concat([key]),
      message: fill(S.fill_in, { field: properties[key].title || key }),
      hint: properties[key].description || ''
    })
  }
  function showFindings (findings, message, submitted) {
    clearFindings()
    const summary = document.getElementById('ob-summary')
    summary.appendChild(el('p', 'ob-summary-lead', message))
    const list = el('ul')
    let first = null
    for (const found of findings) {
      const finding = inFormWords(found, submitted)
      const text = finding.hint ? `${finding.message} — ${finding.hint}` : finding.message
      let target = null
      let where = ''
      if ((finding.location || [])[0] === 'id') {
        target = document.getElementById('ob-id-row')
        document.getElementById('ob-id-fold').open = true
        where = S.id
      } else {
        const fieldEditor = editorFor(finding.location)
        target = fieldEditor && fieldEditor.container
        where = fieldEditor ? fieldName(fieldEditor) : ''
      }
      const item = el('li', null, where ? `${where}：${text}` : text)
      list.appendChild(item)
      if (target) {
        target.classList.add('ob-has-finding')
        const note = el('div', 'ob-finding', text)
        note.setAttribute('role', 'alert')
        note.dataset.code = finding.code
        const holder = target.querySelector(':scope > .ob-control > .ob-field-findings') || target
        holder.insertBefore(note, holder.firstChild)
        if (!first) first = target
        item.addEventListener('click', () => target.scrollIntoView({ block: 'center' }))
      }
    }
    summary.appendChild(list)
    summary.hidden = false
    ;(first || summary).scrollIntoView({ block: 'center' })
  }

  // ---- the page -----------------------------------------------------------------------------------
  const status = document.getElementById('ob-status')
  const saveButton = document.getElementById('ob-save')
  const deleteButton = document.getElementById('ob-delete')
  const idRow = document.getElementById('ob-id-row')
  let idInput = null
  let idTouched = false

  function pageUrl (page) { return config.site + (page || '') }

  async function proposeId () {
    if (!config.new || idTouched || !idInput) return
    const title = editor.getEditor('root.title')
    const value = title ? title.getValue() : undefined
    const titles = typeof value === 'string' ? [value] : value ? LANGS.map(l => value[l]).filter(Boolean) : []
    if (!titles.length) return
    const result = await api('POST', '_propose-id', { kind: config.kind, titles })
    if (result.status === 200 && !idTouched) idInput.value = result.data.id
  }

  // A new entry's page exists once the preview has rebuilt: wait for it (an existing page reloads by itself).
  async function pageServed (url) {
    for (let attempt = 0; attempt < 240; attempt++) {
      try {
        const response = await fetch(url, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' })
        if (response.ok) return
      } catch (e) { /* the preview is restarting its build: try again */ }
      await new Promise(resolve => setTimeout(resolve, 500))
    }
  }

  async function save () {
    clearFindings()
    const item = fromForm(editor.getValue())
    const body = { item }
    let path = config.kind + (config.id ? `/${config.id}` : '')
    let method = 'PUT'
    if (config.new) {
      method = 'POST'
      path = config.kind
      body.id = idInput.value.trim()
    } else {
      body.revision = revision
      if (idInput && idInput.value.trim() !== config.id) body.id = idInput.value.trim()
    }
    status.textContent = S.saving
    saveButton.disabled = true
    let result
    try {
      result = await api(method, path, body)
    } catch (e) {
      status.textContent = S.failed
      saveButton.disabled = false
      return
    }
    saveButton.disabled = false
    if (result.status === 200 || result.status === 201) {
      status.textContent = S.saved
      revision = result.data.revision
      original = item
      await pageServed(pageUrl(result.data.page))
      window.location.href = pageUrl(result.data.page)
      return
    }
    status.textContent = ''
    if (result.status === 422 && result.data.findings) showFindings(result.data.findings, S.has_errors, item)
    else if (result.status === 409 && result.data.referrers) showFindings([], `${S.referrers} ${result.data.referrers.map(r => r.file).join('、')}`)
    else if (result.status === 409 && result.data.findings) showFindings(result.data.findings, result.data.message)
    else if (result.status === 409) showFindings([], S.conflict)
    else showFindings([], result.data.message || S.failed)
  }

  async function remove () {
    if (!window.confirm(S.confirm_delete)) return
    const result = await api('DELETE', `${config.kind}/${config.id}?revision=${encodeURIComponent(revision)}`)
    if (result.status === 200) {
      status.textContent = S.deleted
      window.location.href = pageUrl(`${config.kind}/`)
    } else if (result.status === 409 && result.data.referrers) {
      const lines = result.data.referrers.map(r => `${r.file}：${r.path}`)
      showFindings([], `${S.referrers} ${lines.join('；')}`)
    } else showFindings([], result.data.message || S.failed)
  }

  async function start () {
    const kinds = ['functions', 'duties', 'procedures', 'standards', 'posts']
    const loads = kinds.map(k => api('GET', k).then(r => { lists[k] = (r.data && r.data.items) || [] }))
    const schemaLoad = api('GET', `_schema/${config.kind}`)
    const itemLoad = config.new ? Promise.resolve(null) : api('GET', config.id ? `${config.kind}/${config.id}` : config.kind)
    await Promise.all(loads)
    const schema = (await schemaLoad).data
    const loaded = await itemLoad
    let heading = ''
    let page = config.kind in { manual: 1 } ? '' : config.kind === 'glossary' ? 'glossary/' : `${config.kind}/`
    if (loaded) {
      if (loaded.status !== 200) {
        showFindings(loaded.data.findings || [], loaded.data.message || S.failed)
        return
      }
      original = loaded.data.item
      revision = loaded.data.revision
      page = loaded.data.page
      heading = config.kind === 'manual' ? S.title_manual : config.kind === 'glossary' ? S.title_glossary
        : `${S.edit}：${textOf(original.title)}`
    } else {
      heading = S['new_title_' + config.kind]
    }
    document.title = `${heading} — ${S.page_title}`
    document.getElementById('ob-heading').textContent = heading
    const back = document.getElementById('ob-back')
    back.href = pageUrl(page)
    back.title = S.back
    back.setAttribute('aria-label', S.back)
    saveButton.textContent = S.save
    deleteButton.textContent = S.delete
    deleteButton.hidden = config.new || !config.id

    if (config.kind !== 'manual' && config.kind !== 'glossary') {
      // The file name is the author's to change, but not what they think in: it waits in a fold.
      const fold = document.getElementById('ob-id-fold')
      fold.hidden = false
      document.getElementById('ob-id-summary').textContent = S.id_fold
      const label = el('label', 'ob-id-label', S.id)
      idInput = el('input', 'ob-id')
      idInput.id = 'ob-id'
      idInput.value = config.id || ''
      idInput.spellcheck = false
      idInput.addEventListener('input', () => { idTouched = true })
      label.htmlFor = 'ob-id'
      idRow.append(label, idInput, el('p', 'ob-help', config.new ? S.id_help : S.id_rename_help))
    }

    editor = new JSONEditor(document.getElementById('ob-form'), {
      schema,
      theme: 'html',
      iconlib: null,
      disable_edit_json: true,
      disable_properties: true,
      disable_collapse: true,
      display_required_only: false,
      show_opt_in: false,
      no_additional_properties: true,
      required_by_default: false,
      remove_empty_properties: false,
      show_errors: 'never',
      prompt_before_delete: true,
      disable_array_delete_all_rows: true,
      disable_array_delete_last_row: true,
      array_controls_top: false,
      use_default_values: false
    })
    editor.on('ready', () => {
      // set as the initial value: fields the entry does not have yet stay in the form, empty
      editor.root.setValue(toForm(original || {}), true)
      document.body.classList.add('ob-ready')
      if (config.kind === 'procedures') {
        editor.watch('root.steps', stepsChanged)
        fillStepIds()
      }
      if (config.new) editor.watch('root.title', proposeId)
    })
    saveButton.addEventListener('click', save)
    deleteButton.addEventListener('click', remove)
  }

  start()
})()
