/* officebook edit: the form of one entry, drawn by JSON Editor from the kind's JSON Schema (served
 * translated by /_edit/api/_schema/KIND) with the widgets of form-widgets.js: loading the entry,
 * the file's data to the form's and back, step ids kept behind the scenes, findings at their fields,
 * saving and deleting. */
(function () {
  'use strict'
  const { config, S, LANGS, lists, state, el, textOf, fill, api, sameValue } = window.officebookForm
  let original = null
  let revision = null
  let editor = null


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
      state.idInput = idInput
      idInput.id = 'ob-id'
      idInput.value = config.id || ''
      idInput.spellcheck = false
      idInput.addEventListener('input', () => { idTouched = true })
      label.htmlFor = 'ob-id'
      idRow.append(label, idInput, el('p', 'ob-help', config.new ? S.id_help : S.id_rename_help))
    }

    editor = state.editor = new JSONEditor(document.getElementById('ob-form'), {
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
