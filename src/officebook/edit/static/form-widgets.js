/* officebook edit: the form's own widgets for JSON Editor (@json-editor/json-editor, vendored): texts
 * as one box per language (Markdown ones with a preview and an insert-link list), references as
 * pickers that search titles, RACI as a grid of posts × R/A/C/I, a step's next steps by title; and
 * the library's buttons in the interface language. Nothing from the content is put into the page as
 * HTML, except the Markdown preview, which the server renders and sanitises exactly as the built site. */
(function () {
  'use strict'
  const { S, LANGS, DEFAULT, lists, el, textOf, fill, api, picker, entriesOf, linkEntries, stepChoices } = window.officebookForm

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
})()
