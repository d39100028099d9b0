// Infrastructure → Branding: the provider's branding in the Management
// Server's Branding folder (Branding.wiki) and its way to the Client Access
// Servers. GetBranding lists the files (used or not, image sizes) and the
// JSON files' fields and says whether the branding passes the checks;
// images come from GetBrandingFile for the thumbnails and the preview.
// Upload (SetBrandingFiles: several files at once, so a picture goes up
// with the JSON file that names it; the server checks the result whole and
// names what is wrong) and Delete (DeleteBrandingFile, after asking). Apply
// (ReloadBranding, after asking) sends it to every CAS. The preview draws
// Web Access's header and login card with the branding's colours and
// images, set as CSS custom properties from an effect (the CSP allows no
// inline style); it is `inert`, a picture of another application.
// Without GetBranding (a server with only the product's functions) the
// page explains the folder and offers Apply.
import { useEffect, useRef, useState } from "preact/hooks";
import "./branding.css";
import { CLIENT_FIELDS, WEB_FIELDS, bytesToBase64, checkUploads, contrastWarnings, dataUrl, previewOf, setFields,
         usesOf } from "../branding.js";
import { Badge, ConfirmDialog, Dialog, ErrorNote, Loading, Notice, PageHeader, useApp, useCall, useLoad } from "../ui.jsx";

export function Branding() {
  const { t, hasFn } = useApp();
  const call = useCall();
  const canList = hasFn("GetBranding");
  const canUpload = hasFn("SetBrandingFiles");
  const canApply = hasFn("ReloadBranding");
  const branding = useLoad(() => (canList ? call("GetBranding") : Promise.resolve(null)), [canList]);
  const hasCasList = hasFn("GetClientAccessServers");
  const servers = useLoad(() => (hasCasList ? call("GetClientAccessServers", { withServiceStatus: false })
                                           : Promise.resolve(null)), [hasCasList]);
  const images = useImages(branding.data);
  const [dialog, setDialog] = useState(null);  // {type: "upload", files} | {type: "delete", name} | {type: "apply"}
  const [notice, setNotice] = useState(null);
  const [readError, setReadError] = useState(null);
  const fileInput = useRef(null);
  const d = branding.data;

  const chooseFiles = async (e) => {
    const input = e.currentTarget;
    const picked = [...(input.files || [])];
    input.value = "";  // the same files can be chosen again
    if (!picked.length) return;
    setReadError(null);
    try {
      const files = await Promise.all(picked.map(async (f) => ({
        name: f.name, size: f.size, base64: f.size <= 8 * 1024 * 1024 ? bytesToBase64(new Uint8Array(await f.arrayBuffer())) : "",
      })));
      setDialog({ type: "upload", files });
    } catch (err) {
      setReadError(err);
    }
  };
  const done = (text) => { setDialog(null); setNotice(text); branding.reload(); };
  const casCount = Array.isArray(servers.data) ? servers.data.length : null;

  return (
    <div class="page branding">
      <PageHeader title={t("navBranding")} subtitle={d ? t("brdSubtitle", { dir: d.directory }) : t("brdSubtitleShort")}>
        {canList && <button type="button" class="ghost" onClick={branding.reload} disabled={branding.loading}>{t("refresh")}</button>}
        {canList && canUpload && <>
          <input type="file" multiple hidden ref={fileInput} id="brd-file-input" onChange={chooseFiles}
                 accept=".json,.html,.htm,.png,.ico" aria-label={t("brdUpload")} />
          <button type="button" class="ghost" id="brd-upload" onClick={() => fileInput.current && fileInput.current.click()}>
            {t("brdUpload")}</button>
        </>}
        {canApply && <button type="button" class="primary" id="brd-apply" onClick={() => setDialog({ type: "apply" })}>
          {t("brdApply")}</button>}
      </PageHeader>
      <Notice onDismiss={() => setNotice(null)}>{notice}</Notice>
      <ErrorNote error={readError} />
      <ErrorNote error={branding.error} />
      {!canList ? (
        <section class="panel"><p>{t("brdOnlyReload")}</p></section>
      ) : branding.loading && !d ? <Loading /> : d && (
        <>
          <State described={d} />
          <div class="brd-grid">
            <section class="panel brd-preview-panel" aria-labelledby="brd-preview-title">
              <h2 id="brd-preview-title">{t("brdPreview")}</h2>
              <Preview described={d} images={images} />
            </section>
            <Fields file="WebBranding.json" title={t("brdWebFields")} json={d.webBranding} fields={WEB_FIELDS} described={d} />
          </div>
          <section class="panel brd-files-panel" aria-labelledby="brd-files-title">
            <h2 id="brd-files-title">{t("brdFiles")}</h2>
            <Files described={d} images={images} canDelete={hasFn("DeleteBrandingFile")}
                   onDelete={(name) => setDialog({ type: "delete", name })} />
          </section>
          <Fields file="ClientBranding.json" title={t("brdClientFields")} json={d.clientBranding} fields={CLIENT_FIELDS}
                  described={d} />
        </>
      )}

      {dialog && dialog.type === "upload" && (
        <UploadDialog files={dialog.files} described={d} onClose={() => setDialog(null)}
                      onDone={(n) => done(t("brdUploaded", { n }))} />
      )}
      {dialog && dialog.type === "delete" && (
        <ConfirmDialog title={t("brdDeleteTitle", { name: dialog.name })} confirmLabel={t("delete")} danger
                       onClose={() => setDialog(null)}
                       onConfirm={async () => {
                         await call("DeleteBrandingFile", { name: dialog.name });
                         done(t("brdDeleted", { name: dialog.name }));
                       }}>
          <p>{t("brdDeleteText")}</p>
        </ConfirmDialog>
      )}
      {dialog && dialog.type === "apply" && (
        <ConfirmDialog title={t("brdApplyTitle")} confirmLabel={t("brdApplyConfirm")} onClose={() => setDialog(null)}
                       onConfirm={async () => {
                         await call("ReloadBranding", {}, { label: t("brdApply") });
                         setDialog(null);
                         setNotice(casCount === null ? t("brdAppliedAll") : t("brdApplied", { n: casCount }));
                       }}>
          <p>{casCount === null ? t("brdApplyTextAll") : t("brdApplyText", { n: casCount })}</p>
          {d && !d.valid && <p class="problem">{t("brdApplyInvalid")}</p>}
        </ConfirmDialog>
      )}
    </div>
  );
}

// Data URLs of the branding's images (GetBrandingFile), for thumbnails and the preview.
function useImages(described) {
  const call = useCall();
  const { hasFn } = useApp();
  const [images, setImages] = useState({});
  const can = hasFn("GetBrandingFile");
  useEffect(() => {
    if (!described || !can) return undefined;
    let live = true;
    const wanted = described.files.filter((f) => f.used && (f.type === "png" || f.type === "ico"));
    Promise.all(wanted.map((f) => call("GetBrandingFile", { name: f.name })
      .then((r) => [f.name, dataUrl(f.name, r.content)], () => null)))
      .then((pairs) => { if (live) setImages(Object.fromEntries(pairs.filter(Boolean))); });
    return () => { live = false; };
  }, [described, can, call]);
  return images;
}

function State({ described }) {
  const { t } = useApp();
  if (!described.files.length) return <div class="note info brd-state">{t("brdEmpty")}</div>;
  if (described.valid) return <div class="note ok brd-state" id="brd-state">{t("brdValid")}</div>;
  return (
    <div class="note warn brd-state" id="brd-state">
      <span class="note-text">
        <strong>{t("brdInvalid")}</strong> {described.problem}
        {described.missing && described.missing.length > 0 &&
          <span class="brd-missing"> {t("brdMissing", { names: described.missing.join(", ") })}</span>}
      </span>
    </div>
  );
}

function typeLabel(t, f) {
  switch (f.type) {
    case "png": return f.width ? t("brdTypePngSized", { w: f.width, h: f.height }) : t("brdTypePng");
    case "ico": return t("brdTypeIco");
    case "json": return t("brdTypeJson");
    case "html": return t("brdTypeHtml");
    case "link": return t("brdTypeLink");
    default: return t("brdTypeOther");
  }
}

function Files({ described, images, canDelete, onDelete }) {
  const { t, fmt } = useApp();
  if (!described.files.length) return <p class="muted">{t("brdNoFiles")}</p>;
  return (
    <div class="table-wrap">
      <table class="table brd-files" aria-labelledby="brd-files-title">
        <thead>
          <tr>
            <th scope="col">{t("brdFileName")}</th>
            <th scope="col">{t("brdFileType")}</th>
            <th scope="col">{t("brdFileSize")}</th>
            <th scope="col">{t("brdFileUse")}</th>
            {canDelete && <th scope="col"><span class="sr-only">{t("actions")}</span></th>}
          </tr>
        </thead>
        <tbody>
          {described.files.map((f) => {
            const uses = usesOf(described, f.name);
            return (
              <tr key={f.name} data-file={f.name}>
                <td class="brd-name-cell">
                  <span class="brd-file">
                    {images[f.name] ? <img class="brd-thumb" src={images[f.name]} alt="" />
                                    : <span class={"brd-thumb brd-thumb-none" + (f.type === "png" || f.type === "ico" ? "" : " blank")}
                                            aria-hidden="true"></span>}
                    <code>{f.name}</code>
                  </span>
                </td>
                <td data-label={t("brdFileType")}>{typeLabel(t, f)}</td>
                <td data-label={t("brdFileSize")} class="brd-size">{f.type === "link" ? "—" : fmt.bytes(f.size)}</td>
                <td data-label={t("brdFileUse")}>
                  {!f.used ? <Badge kind={f.type === "link" ? "error" : "stopped"}>{f.type === "link" ? t("brdRefused") : t("brdUnused")}</Badge>
                    : uses.length ? <ul class="brd-uses">{uses.map((u) => <li key={u.file + u.field}><span class="muted">{u.file}</span> <code>{u.field}</code></li>)}</ul>
                    : <span class="muted">{f.type === "json" ? t("brdUseJson") : t("brdUseFixed")}</span>}
                </td>
                {canDelete && (
                  <td class="row-actions">
                    <button type="button" class="ghost small danger-text" onClick={() => onDelete(f.name)}
                            aria-label={t("deleteNamed", { name: f.name })}>{t("delete")}</button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// A colour's swatch: its background set from an effect (no inline style under the CSP).
function Swatch({ color }) {
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.style.setProperty("--swatch", color); }, [color]);
  return <span class="brd-swatch" ref={ref} aria-hidden="true"></span>;
}

function Fields({ file, title, json, fields, described }) {
  const { t } = useApp();
  const set = setFields(json, fields);
  const present = new Set(described.files.filter((f) => f.used).map((f) => f.name));
  const id = "brd-fields-" + file.replace(/\W/g, "");
  return (
    <section class="panel brd-fields" aria-labelledby={id}>
      <h2 id={id}>{title} <code class="brd-file-name">{file}</code></h2>
      {!json ? <p class="muted">{described.files.some((f) => f.name === file) ? t("brdJsonUnreadable") : t("brdJsonAbsent")}</p>
        : set.length === 0 ? <p class="muted">{t("brdJsonEmpty")}</p> : (
          <dl class="facts compact">
            {set.map((f) => (
              <div key={f.field}>
                <dt><code>{f.field}</code></dt>
                <dd>
                  {f.kind === "color" ? <span class="brd-color"><Swatch color={f.value} /><code>{f.value}</code></span>
                    : ["image", "ico", "html"].includes(f.kind)
                      ? <span><code>{f.value}</code>{!present.has(f.value) && <> <Badge kind="warning">{t("brdFileMissing")}</Badge></>}</span>
                      : <span class="brd-value">{f.value}</span>}
                </dd>
              </div>
            ))}
          </dl>
        )}
      {json && set.length > 0 && set.length < fields.length &&
        <p class="hint">{t("brdDefaults", { n: fields.length - set.length })}</p>}
    </section>
  );
}

function Preview({ described, images }) {
  const { t, lang } = useApp();
  const model = previewOf(described);
  const ref = useRef(null);
  const logo = model.logo && images[model.logo];
  const login = model.login && images[model.login];
  const favicon = model.favicon && images[model.favicon];
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.setProperty("--bp-header", model.header);
    el.style.setProperty("--bp-highlight", model.highlight);
    const image = (name, url) => (url ? el.style.setProperty(name, `url("${url}")`) : el.style.removeProperty(name));
    image("--bp-logo", logo);
    image("--bp-login", login);
  }, [model.header, model.highlight, logo, login]);
  const warnings = contrastWarnings(model);
  return (
    <>
      <figure class="brd-figure">
        <div class="brd-preview" ref={ref} inert data-logo={logo ? "yes" : "no"} data-login={login ? "yes" : "no"}>
          <div class="bp-tab">
            {favicon ? <img class="bp-favicon" src={favicon} alt="" /> : <span class="bp-favicon bp-favicon-none"></span>}
            <span class="bp-title">{model.name}</span>
          </div>
          <div class="bp-bar">
            <span class="bp-logo"></span>
            <span class="bp-product">{model.name}</span>
            <span class="bp-spacer"></span>
            <span class="bp-lang">{lang === "de" ? "Deutsch" : "English"}</span>
            <span class="bp-logout">{t("logout")}</span>
          </div>
          <div class="bp-body">
            <div class="bp-card">
              <div class="bp-login-header"></div>
              <span class="bp-h1">{t("brdPvLoginTitle")}</span>
              <span class="bp-label">{t("userName")}</span>
              <span class="bp-input"></span>
              <span class="bp-label">{t("password")}</span>
              <span class="bp-input"></span>
              <span class="bp-button">{t("logIn")}</span>
            </div>
          </div>
        </div>
        <figcaption class="hint">{t("brdPreviewCaption", { name: model.name })}</figcaption>
      </figure>
      {warnings.map((w) => (
        <div class="note warn brd-contrast" key={w.field}>
          <span class="note-text">{t("brdContrast", { field: w.field, color: w.color, ratio: w.ratio })}</span>
        </div>
      ))}
    </>
  );
}

function UploadDialog({ files, described, onClose, onDone }) {
  const { t, fmt } = useApp();
  const call = useCall();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const checked = checkUploads(files, described);
  const upload = async () => {
    setBusy(true);
    setError(null);
    try {
      await call("SetBrandingFiles", { files: Object.fromEntries(files.map((f) => [f.name, f.base64])) });
      onDone(files.length);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const problemText = (p) => (p.key === "brdBadName" ? t("brdBadName") : p.key === "brdTooLarge" ? t("brdTooLarge")
                              : p.key === "brdEmptyFile" ? t("brdEmptyFile") : t("brdTwice"));
  return (
    <Dialog title={t("brdUploadTitle", { n: files.length })} onClose={busy ? null : onClose} wide
            footer={<>
              <button type="button" class="ghost" onClick={onClose} disabled={busy}>{t("cancel")}</button>
              <button type="button" class="primary" id="brd-upload-confirm" onClick={upload} disabled={busy || !checked.ok}>
                {busy ? t("working") : t("brdUploadConfirm")}</button>
            </>}>
      <p>{t("brdUploadText")}</p>
      <ul class="brd-upload-list">
        {checked.list.map((f, i) => (
          <li key={i}>
            <code>{f.name}</code> <span class="muted">{fmt.bytes(f.size)}</span>{" "}
            {f.replaces ? <Badge kind="warning">{t("brdReplaces")}</Badge> : <Badge kind="information">{t("brdNew")}</Badge>}
            {f.problem && <p class="problem">{problemText(f.problem)}</p>}
          </li>
        ))}
      </ul>
      {checked.tooMany && <p class="problem">{t("brdTooMany")}</p>}
      <ErrorNote error={error} />
    </Dialog>
  );
}
