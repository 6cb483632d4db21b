"""The pages' message catalogue: every text a template shows, Chinese first, then English.

Keys are dotted by page. A template asks for `t("key")`; tests check that every key a
template uses is here.
"""

from __future__ import annotations

from collections.abc import Mapping

from laborsign.i18n import Text

MESSAGES: Mapping[str, Text] = {
    # -- layout -------------------------------------------------------------------------------
    "site.name": Text("LaborSign 电子劳动合同", "LaborSign electronic labor contracts"),
    "site.footer": Text(
        "开源、可自行部署的电子劳动合同订立平台，依据《电子劳动合同订立指引》（人社厅发〔2021〕54号）。",
        "An open-source, self-hostable platform for electronic labor contracts, following the "
        "MOHRSS guideline on concluding electronic labor contracts (2021, No. 54).",
    ),
    "nav.skip": Text("跳到正文", "Skip to content"),
    "nav.label": Text("主导航", "Main navigation"),
    "nav.verify": Text("验证合同", "Verify a contract"),
    "nav.login": Text("工作人员登录", "Staff login"),
    "nav.workspace": Text("工作台", "Workspace"),
    "nav.switch": Text("English", "中文"),
    # -- home ---------------------------------------------------------------------------------
    "home.title": Text("电子劳动合同订立平台", "Electronic labor contract platform"),
    "home.lead": Text(
        "用人单位在这里依据人社部示范文本起草劳动合同并检查是否合规，劳动者在手机上阅读、确认并签名；"
        "每份合同都带有可信时间戳和防篡改的存证记录，任何人都可以离线验证。",
        "Employers draft labor contracts from the ministry's model texts and check them "
        "against labor law; workers read, confirm and sign on their phones. Every contract "
        "carries trusted timestamps and a tamper-evident evidence record that anyone can "
        "verify offline.",
    ),
    "home.verify.title": Text("验证一份合同", "Verify a contract"),
    "home.verify.text": Text(
        "上传合同 PDF 或证据包，查看签署人、签署时间，以及签署后是否被改动。无需账号。",
        "Upload a contract PDF or an evidence package to see who signed, when, and whether "
        "anything changed afterwards. No account needed.",
    ),
    "home.verify.action": Text("开始验证", "Start verifying"),
    "home.worker.title": Text("劳动者", "Workers"),
    "home.worker.text": Text(
        "单位发起签署后，您会收到短信或电子邮件中的专属链接，打开即可阅读签约须知和合同并签名。"
        "签署后可随时免费查看、下载和打印。",
        "When your employer sends a contract, you receive a personal link by SMS or e-mail; "
        "open it to read the notice and the contract and to sign. Afterwards you can view, "
        "download and print it at any time, free of charge.",
    ),
    "home.staff.title": Text("用人单位与平台管理员", "Employers and administrators"),
    "home.staff.text": Text(
        "人事专员、签章人和平台管理员使用账号、密码和动态验证码登录。",
        "HR staff, signers and platform administrators log in with a password and an "
        "authenticator code.",
    ),
    "home.staff.action": Text("登录", "Log in"),
    "home.facts.title": Text("平台特点", "What the platform does"),
    "home.facts.law": Text(
        "合同依据示范文本生成，发送前按劳动法规则检查（试用期、工时、最低工资等）。",
        "Contracts come from the model texts and are checked against labor-law rules "
        "(probation, working hours, minimum wage…) before they are sent.",
    ),
    "home.facts.signatures": Text(
        "每位签署人使用自己的数字证书签名，并加盖 RFC 3161 可信时间戳。",
        "Every signer signs with a certificate of their own, with an RFC 3161 trusted timestamp.",
    ),
    "home.facts.evidence": Text(
        "签署过程的每一步都记入防篡改的存证日志，可导出证据包离线验证。",
        "Every step of the signing is recorded in a tamper-evident log; evidence packages "
        "can be verified offline.",
    ),
    "home.facts.free": Text(
        "开源（Apache-2.0），所有资源由平台自身提供，不依赖外部网站。",
        "Open source (Apache-2.0); every asset is served by the platform itself.",
    ),
    # -- login --------------------------------------------------------------------------------
    "login.title": Text("工作人员登录", "Staff login"),
    "login.intro": Text(
        "请输入您的用户名和密码。管理员、签章人等账号随后需要输入动态验证码。",
        "Enter your user name and password. Administrators and signers then enter an "
        "authenticator code.",
    ),
    "login.username": Text("用户名", "User name"),
    "login.password": Text("密码", "Password"),
    "login.submit": Text("登录", "Log in"),
    "login.first_admin": Text(
        "首次使用？在服务器上创建第一个管理员账号：",
        "First time? Create the first administrator on the server:",
    ),
    "totp.title": Text("动态验证码", "Authenticator code"),
    "totp.intro": Text(
        "请打开您的身份验证器应用，输入当前显示的 6 位数字。",
        "Open your authenticator app and enter the 6-digit code it shows now.",
    ),
    "totp.code": Text("验证码", "Code"),
    "totp.hint": Text(
        "每个验证码只能使用一次，30 秒更新。", "Each code works once; it changes every 30 seconds."
    ),
    "totp.submit": Text("确认", "Confirm"),
    "totp.restart": Text("重新登录", "Start again"),
    # -- staff landing --------------------------------------------------------------------------
    "staff.title": Text("工作台", "Workspace"),
    "staff.welcome": Text("您好，{name}。", "Hello, {name}."),
    "staff.password_expired": Text(
        "您的密码已超过有效期，请尽快修改。", "Your password has expired; please change it soon."
    ),
    "staff.username": Text("用户名", "User name"),
    "staff.roles": Text("角色", "Roles"),
    "staff.organisation": Text("所属单位", "Organisation"),
    "staff.platform": Text("平台（不属于任何用人单位）", "Platform (no employer)"),
    "staff.next": Text("可以进行的操作", "What you can do"),
    "staff.api_docs": Text("接口文档（API）", "API documentation"),
    "staff.more_soon": Text(
        "页面上的每项操作也可以通过接口（API）和命令行完成。",
        "Everything these pages do can also be done through the API and the command line.",
    ),
    "staff.hr": Text("人事工作台", "HR console"),
    "staff.logout": Text("退出登录", "Log out"),
    "role.sysadmin": Text("系统管理员", "System administrator"),
    "role.secadmin": Text("安全管理员", "Security administrator"),
    "role.auditadmin": Text("审计管理员", "Audit administrator"),
    "role.authority": Text("人社部门", "Labor authority"),
    "role.employer_admin": Text("单位管理员", "Employer administrator"),
    "role.hr": Text("人事专员", "HR staff"),
    "role.signer": Text("签章人", "Authorised signer"),
    # -- verification -------------------------------------------------------------------------
    "verify.title": Text("验证电子劳动合同", "Verify an electronic labor contract"),
    "verify.lead": Text(
        "上传签署完成的合同 PDF，或平台导出的证据包（.zip）。文件只用于本次验证，不会被保存。",
        "Upload the signed contract PDF or an evidence package (.zip) exported by the "
        "platform. The file is used for this check only and is not kept.",
    ),
    "verify.from_qr": Text(
        "您通过纸质合同上的二维码进入。以下是本平台保存的、摘要为下列值的合同的验证结果：",
        "You came from the QR code of a paper copy. This is the report on the contract this "
        "platform keeps with the digest below:",
    ),
    "verify.not_found": Text(
        "您通过纸质合同上的二维码进入，但本平台没有保存摘要为下列值的已生效合同。"
        "请上传您持有的合同文件，验证时会与该摘要比对：",
        "You came from the QR code of a paper copy, but this platform keeps no executed "
        "contract with the digest below. Upload the file you hold; it will be compared "
        "with that digest:",
    ),
    "verify.mismatch": Text(
        "注意：上传的文件与二维码中的摘要不一致，它不是二维码所指的那份合同。",
        "Note: the uploaded file does not match the digest of the QR code; it is not the "
        "contract the code refers to.",
    ),
    "verify.report": Text("验证报告", "Verification report"),
    "verify.again": Text("验证另一份文件", "Verify another file"),
    "verify.busy": Text("正在验证，请稍候…", "Verifying, please wait…"),
    "verify.file": Text(
        "选择文件（PDF 或证据包 .zip）", "Choose a file (PDF or evidence package .zip)"
    ),
    "verify.file_hint": Text("大小不超过 {mb} MB。", "Up to {mb} MB."),
    "verify.submit": Text("验证", "Verify"),
    "verify.offline.title": Text("离线验证", "Verify offline"),
    "verify.offline.text": Text(
        "不想上传文件？可以用开源命令行工具在自己的电脑上验证，并用本平台公布的根证书核对信任。",
        "Prefer not to upload? Verify on your own computer with the open-source command line "
        "tool, checking trust against this platform's published root certificate.",
    ),
    "verify.root": Text("下载根证书", "Download the root certificate"),
    "report.verdict": Text("验证结果：", "Result: "),
    "report.parties": Text("合同双方", "Parties"),
    "report.employer": Text("用人单位", "Employer"),
    "report.worker": Text("劳动者", "Worker"),
    "report.masked": Text(
        "为保护个人信息，劳动者姓名仅显示姓氏。",
        "To protect personal data, only the worker's surname is shown.",
    ),
    "report.problems": Text("发现的问题", "Problems found"),
    "report.signatures": Text("签名与时间戳", "Signatures and timestamps"),
    "report.no_signatures": Text("文件中没有签名。", "The file has no signature."),
    "report.signer": Text("签署人", "Signed by"),
    "report.time": Text("时间", "Time"),
    "report.beijing": Text(
        "（北京时间，来自可信时间戳）", " (Beijing time, from the trusted timestamp)"
    ),
    "report.no_time": Text("没有可信时间戳", "no trusted timestamp"),
    "report.tsa": Text("时间戳机构", "Time-stamping authority"),
    "report.trusted": Text("证书", "Certificate"),
    "report.yes_trusted": Text("可信", "trusted"),
    "report.not_trusted": Text("不可信", "not trusted"),
    "report.unchanged": Text("签署后", "After signing"),
    "report.yes_unchanged": Text("未被改动", "unchanged"),
    "report.changed": Text("已被改动或无法确认", "changed, or cannot be confirmed"),
    "report.technical": Text("技术细节", "Technical details"),
    "report.size": Text("文件大小（字节）", "File size (bytes)"),
    "report.contract_id": Text("合同编号：", "Contract id:"),
    "report.checks": Text("逐项检查", "Checks, in order"),
    "report.details": Text("详情", "Details"),
    "report.package_contract": Text("证据包中的合同", "The contract in the package"),
    "check.passed": Text("通过", "passed"),
    "check.failed": Text("未通过", "failed"),
    "check.skipped": Text("未检查", "not checked"),
    # -- operators ----------------------------------------------------------------------------
    "ops.title": Text("运行状态", "Operations status"),
    "ops.lead": Text("运行模式：{mode}。", "Mode: {mode}."),
    "ops.outbox": Text("开发发件箱（短信与电子邮件）", "Development outbox (SMS and e-mail)"),
    "ops.outbox_hint": Text(
        "开发模式下短信和邮件不会真正发出，而是保存在这里；生产模式下此处不显示。",
        "In development mode SMS and e-mail are not sent but kept here; production mode "
        "never shows this.",
    ),
    "ops.outbox_empty": Text("暂无消息。", "No messages yet."),
    "ops.outbox_time": Text("时间", "Time"),
    "ops.outbox_channel": Text("渠道", "Channel"),
    "ops.outbox_to": Text("收件人", "To"),
    "ops.outbox_message": Text("内容", "Message"),
    "state.ok": Text("正常", "OK"),
    "state.warning": Text("注意", "Attention"),
    "state.error": Text("故障", "Failing"),
    # -- HR console (laborsign.web.pages.hr*) --------------------------------------------------
    "hr.nav.label": Text("人事工作台导航", "HR console navigation"),
    "hr.nav.dashboard": Text("概览", "Overview"),
    "hr.nav.workers": Text("劳动者", "Workers"),
    "hr.nav.contracts": Text("合同", "Contracts"),
    "hr.nav.users": Text("员工账号", "Staff accounts"),
    "hr.nav.api_keys": Text("API 密钥", "API keys"),
    "hr.nav.webhooks": Text("Webhook 通知", "Webhooks"),
    "hr.nav.audit": Text("安全审计", "Security audit"),
    "hr.refused": Text("无法完成", "Not possible"),
    "hr.actions": Text("操作", "Actions"),
    "hr.all": Text("全部", "All"),
    "hr.search": Text("搜索", "Search"),
    "hr.yes": Text("是", "yes"),
    "hr.no": Text("否", "no"),
    "hr.pages": Text("分页", "Pages"),
    "hr.first_page": Text("第一页", "First page"),
    "hr.next_page": Text("下一页", "Next page"),
    "hr.severity.error": Text("错误", "Error"),
    "hr.severity.warning": Text("提示", "Warning"),
    "hr.severity.info": Text("说明", "Note"),
    "hr.dashboard.title": Text("人事概览", "HR overview"),
    "hr.dashboard.by_state": Text(
        "合同状态（共 {total} 份）", "Contracts by state ({total} in all)"
    ),
    "hr.dashboard.no_contracts": Text("还没有合同。", "No contracts yet."),
    "hr.dashboard.missing": Text(
        "尚未订立书面劳动合同的劳动者", "Workers without a written contract"
    ),
    "hr.dashboard.missing_hint": Text(
        "自用工之日起一个月内应当订立书面劳动合同（《劳动合同法》第十条）；超过一个月不满一年未订立的，"
        "应当向劳动者每月支付二倍工资（第八十二条）。",
        "A written contract is due within one month of the first day of work (Labor Contract "
        "Law Art. 10); after that, and for up to a year, double wages are owed each month "
        "(Art. 82).",
    ),
    "hr.dashboard.started": Text("用工之日", "Started"),
    "hr.dashboard.due": Text("最迟订立日", "Due by"),
    "hr.dashboard.days_left": Text("剩余天数", "Days left"),
    "hr.dashboard.days": Text("{days} 天", "{days} days"),
    "hr.dashboard.overdue": Text("已逾期（未签 {days} 天）", "Overdue ({days} days without)"),
    "hr.dashboard.exposure": Text("二倍工资风险（元）", "Double-wage exposure (yuan)"),
    "hr.dashboard.none_missing": Text(
        "所有劳动者都已订立书面劳动合同。", "Every worker has a written contract."
    ),
    "hr.dashboard.ending": Text(
        "未来 30 / 60 天内到期的固定期限合同", "Fixed-term contracts ending in 30 / 60 days"
    ),
    "hr.dashboard.ends_on": Text("到期日", "Ends on"),
    "hr.dashboard.window": Text("期间", "Window"),
    "hr.dashboard.within": Text("{days} 天内", "within {days} days"),
    "hr.dashboard.none_ending": Text(
        "60 天内没有到期的固定期限合同。", "No fixed-term contract ends within 60 days."
    ),
    "hr.worker.name": Text("姓名", "Name"),
    "hr.worker.id_number": Text("证件号码", "ID number"),
    "hr.worker.phone": Text("手机号码", "Mobile phone"),
    "hr.workers.title": Text("劳动者", "Workers"),
    "hr.workers.search": Text("姓名或完整证件号码", "Name or full ID number"),
    "hr.workers.search_hint": Text(
        "证件号码加密保存，只能按完整号码查找。",
        "ID numbers are stored encrypted and can be found only by the whole number.",
    ),
    "hr.workers.count": Text("共 {count} 人", "{count} workers"),
    "hr.workers.none": Text("没有找到劳动者。", "No workers found."),
    "hr.workers.add": Text("登记劳动者", "Add a worker"),
    "hr.workers.added": Text("已登记：{name}", "Added: {name}"),
    "hr.contracts.title": Text("劳动合同", "Labor contracts"),
    "hr.contracts.new": Text("起草合同", "Draft a contract"),
    "hr.contracts.filter": Text("筛选", "Filter"),
    "hr.contracts.number_prefix": Text("合同编号开头", "Number starts with"),
    "hr.contracts.none": Text("没有符合条件的合同。", "No contracts match."),
    "hr.contract.title": Text("合同 {number}", "Contract {number}"),
    "hr.contract.number": Text("合同编号", "Number"),
    "hr.contract.state": Text("状态", "State"),
    "hr.contract.template": Text("合同范本", "Template"),
    "hr.contract.position": Text("岗位", "Position"),
    "hr.contract.term": Text("期限", "Term"),
    "hr.contract.updated": Text("更新时间", "Updated"),
    "hr.contract.worker": Text("劳动者", "Worker"),
    "hr.contract.findings": Text("合规检查", "Labor-law check"),
    "hr.contract.findings_value": Text(
        "{errors} 项错误，{warnings} 项提示（已确认 {acknowledged} 项）",
        "{errors} errors, {warnings} warnings ({acknowledged} acknowledged)",
    ),
    "hr.contract.created": Text("起草时间", "Drafted"),
    "hr.contract.sent": Text("发送时间", "Sent"),
    "hr.contract.expires": Text("签署截止", "Signing deadline"),
    "hr.contract.completed": Text("生效时间", "Effective since"),
    "hr.contract.revision": Text("文档版本", "Document revision"),
    "hr.contract.saved": Text(
        "草稿已保存，合规检查通过。", "Draft saved; the labor-law check passed."
    ),
    "hr.contract.edit": Text("修改草稿", "Edit the draft"),
    "hr.contract.send": Text("发送给劳动者", "Send to the worker"),
    "hr.contract.send_blocked": Text(
        "草稿还有错误或未确认的提示，修改并确认后才能发送。",
        "The draft still has errors or unacknowledged warnings; fix and acknowledge them "
        "to send it.",
    ),
    "hr.contract.pdf": Text("下载 PDF", "Download PDF"),
    "hr.contract.evidence": Text("下载证据包", "Download evidence package"),
    "hr.contract.void": Text("作废合同", "Void the contract"),
    "hr.contract.void_hint": Text(
        "作废后合同不能再签署；此操作记入存证记录，不能撤销。",
        "A voided contract can no longer be signed; this is recorded as evidence and "
        "cannot be undone.",
    ),
    "hr.contract.void_confirm": Text("确认作废", "Void it"),
    "hr.contract.timeline": Text("存证记录", "Evidence timeline"),
    # -- signing, reminders, paper copies, batch signing, seals, bulk import -------------
    "hr.nav.signing": Text("批量签署", "Batch signing"),
    "hr.nav.imports": Text("批量导入", "Bulk import"),
    "hr.nav.seal": Text("单位印章", "Seal"),
    "hr.contract.waiting": Text("等待", "Waiting for"),
    "hr.contract.waiting_worker": Text("劳动者签署", "the worker's signature"),
    "hr.contract.waiting_employer": Text("用人单位签署", "the employer's signature"),
    "hr.contract.remind": Text("提醒签署", "Send a reminder"),
    "hr.contract.paper_copy": Text("下载纸质件（加盖核验页）", "Download a certified paper copy"),
    "hr.contract.paper_copy_hint": Text(
        "纸质件在合同全文后附一页证明：原件摘要、核验二维码和单位印章。每次出具都记入存证记录。",
        "The paper copy ends with a certification page: the original's digest, a QR code to "
        "verify it and the seal. Each copy issued is recorded as evidence.",
    ),
    "hr.contract.void_reason": Text("作废原因", "Reason for voiding"),
    "hr.sign.title": Text("用人单位签署", "Sign for the employer"),
    "hr.sign.hint": Text(
        "输入您身份验证器中的 6 位动态口令，确认以本单位的证书和印章签署。",
        "Enter the 6-digit code from your authenticator to sign with the organisation's "
        "certificate and seal.",
    ),
    "hr.sign.totp": Text("动态口令", "Authenticator code"),
    "hr.sign.submit": Text("签署并盖章", "Sign and seal"),
    "hr.sign.busy": Text("正在签署…", "Signing…"),
    "hr.batch.title": Text("批量签署", "Batch signing"),
    "hr.batch.lead": Text(
        "劳动者已确认、等待用人单位签署的合同（每次最多 {max} 份）。"
        "一个动态口令确认全部选中的合同，每份合同单独签署，一份失败不影响其他合同。",
        "Contracts the worker confirmed that await the employer's signature (at most {max} at "
        "a time). One authenticator code confirms all chosen contracts; each is signed on its "
        "own, so one failure leaves the others signed.",
    ),
    "hr.batch.count": Text("{count} 份合同等待签署", "{count} contracts await signing"),
    "hr.batch.choose": Text("选择", "Choose"),
    "hr.batch.since": Text("更新时间", "Updated"),
    "hr.batch.open": Text("查看", "open"),
    "hr.batch.submit": Text("签署选中的合同", "Sign the chosen contracts"),
    "hr.batch.none": Text(
        "没有等待用人单位签署的合同。", "No contracts await the employer's signature."
    ),
    "hr.batch.results": Text("{count} 份中已签署 {ok} 份", "{ok} of {count} signed"),
    "hr.batch.outcome": Text("结果", "Outcome"),
    "hr.batch.signed": Text("已签署", "signed"),
    "hr.batch.failed": Text("未签署", "not signed"),
    "hr.seal.title": Text("单位印章", "The organisation's seal"),
    "hr.seal.lead": Text(
        "{organisation} 签署合同时使用的印章。",
        "The seal {organisation} signs its contracts with.",
    ),
    "hr.seal.alt": Text("{organisation} 的印章", "Seal of {organisation}"),
    "hr.seal.uploaded": Text("上传于 {at}", "Uploaded {at}"),
    "hr.seal.generated": Text(
        "尚未上传印章：使用平台按单位名称生成的圆形红色印章。",
        "No seal uploaded: the round red seal the platform draws from the organisation's name.",
    ),
    "hr.seal.uploaded_now": Text(
        "印章已更新，此后的签署使用新印章。",
        "The seal was replaced; signatures from now on use it.",
    ),
    "hr.seal.upload": Text("上传印章", "Upload a seal"),
    "hr.seal.file": Text("印章图片（PNG）", "Seal image (PNG)"),
    "hr.seal.limits": Text(
        "PNG 格式，不超过 {kib} KiB，每边 {min}–{max} 像素，背景透明为宜。",
        "PNG, at most {kib} KiB, each side {min}–{max} pixels, preferably on a transparent "
        "background.",
    ),
    "hr.seal.submit": Text("上传", "Upload"),
    "hr.imports.title": Text("批量导入", "Bulk import"),
    "hr.imports.lead": Text(
        "从 Excel 批量签发合同：下载模板、逐行填写、上传检查，无误后开始签发。",
        "Issue many contracts from Excel: download the template, fill one row per contract, "
        "upload it to be checked, then start.",
    ),
    "hr.imports.step_template": Text("1. 下载模板", "1. Download the template"),
    "hr.imports.download": Text("{template}模板（.xlsx）", "{template} template (.xlsx)"),
    "hr.imports.step_upload": Text("2. 上传填好的表格", "2. Upload the filled sheet"),
    "hr.imports.file": Text("Excel 文件（.xlsx）", "Excel file (.xlsx)"),
    "hr.imports.file_hint": Text(
        "不超过 {mib} MB。上传后逐行检查，此时不会生成任何合同。",
        "At most {mib} MB. Each row is checked; no contract is made yet.",
    ),
    "hr.imports.upload": Text("上传并检查", "Upload and check"),
    "hr.imports.checking": Text("正在检查…", "Checking…"),
    "hr.imports.recent": Text("最近的导入", "Recent imports"),
    "hr.imports.filename": Text("文件", "File"),
    "hr.imports.state": Text("状态", "State"),
    "hr.imports.rows": Text("行数", "Rows"),
    "hr.imports.created": Text("上传时间", "Uploaded"),
    "hr.imports.none": Text("还没有导入。", "No imports yet."),
    "hr.import.title": Text("批量导入：{filename}", "Bulk import: {filename}"),
    "hr.import.summary": Text(
        "共 {total} 行，{invalid} 行有错误，{warned} 行有提示。",
        "{total} rows, {invalid} with errors, {warned} with warnings.",
    ),
    "hr.import.rejected": Text(
        "表格有错误，未生成任何合同。请按下表或检查报告修改后重新上传。",
        "The sheet has errors; no contract was made. Fix the rows below (or in the report) "
        "and upload it again.",
    ),
    "hr.import.validation": Text("校验进度", "Checking the rows"),
    "hr.import.checked_counts": Text(
        "已读取 {read} 行，已检查 {checked} / {total} 行（{percent}%）",
        "{read} rows read, {checked} of {total} checked ({percent}%)",
    ),
    "hr.import.validating_hint": Text(
        "正在逐行检查，完成后本页显示结果。可以先离开，稍后在“批量导入”中打开本次导入。",
        "Each row is being checked; this page shows the outcome when it is done. You may "
        "leave and open this import from Bulk import later.",
    ),
    "hr.import.progress": Text("签发进度", "Progress"),
    "hr.import.counts": Text(
        "已签发 {done} 份，失败 {failed} 份，共 {planned} 份（{percent}%）",
        "{done} issued, {failed} failed, of {planned} ({percent}%)",
    ),
    "hr.import.sealing": Text(
        "劳动者确认后自动盖章；已盖章 {signed} 份。",
        "Sealed once each worker confirms; {signed} sealed so far.",
    ),
    "hr.import.report": Text("下载检查报告（.xlsx）", "Download the report (.xlsx)"),
    "hr.import.back": Text("返回批量导入", "Back to bulk import"),
    "hr.import.start_title": Text("3. 开始签发", "3. Start"),
    "hr.import.start_hint": Text(
        "将生成并发送 {count} 份合同，每位劳动者收到签署短信。",
        "{count} contracts will be made and sent; each worker gets a text to sign.",
    ),
    "hr.import.seal": Text(
        "劳动者确认后由本单位自动签署盖章",
        "Sign and seal for the employer once each worker confirms",
    ),
    "hr.import.seal_hint": Text(
        "勾选自动盖章时必须输入您的动态口令。", "Needed when sealing: your authenticator code."
    ),
    "hr.import.start": Text("开始签发", "Start issuing"),
    "hr.import.rows": Text("逐行检查结果", "Row by row"),
    "hr.import.row": Text("行号", "Row"),
    "hr.import.findings": Text("检查发现", "Findings"),
    "hr.import.contract": Text("合同", "Contract"),
    "hr.import.open_contract": Text("查看合同", "Open"),
    "hr.form.title_new": Text("起草劳动合同", "Draft a labor contract"),
    "hr.form.title_edit": Text("修改合同 {number}", "Edit contract {number}"),
    "hr.form.start": Text("选择范本和劳动者", "Choose the template and the worker"),
    "hr.form.use": Text("使用", "Use"),
    "hr.form.worker": Text("劳动者", "Worker"),
    "hr.form.no_worker": Text("暂不指定", "Not chosen yet"),
    "hr.form.worker_hint": Text(
        "选择后，乙方的证件号码必须与该劳动者一致；发送前必须指定劳动者。",
        "Once chosen, the worker's ID number must be this worker's; a worker is needed to send.",
    ),
    "hr.form.findings": Text(
        "检查发现 {errors} 项错误、{warnings} 项提示，见各字段旁的说明。"
        "错误须修改；提示须逐项确认后才能发送。",
        "The check found {errors} errors and {warnings} warnings, shown beside the fields. "
        "Fix the errors; acknowledge each warning to be able to send.",
    ),
    "hr.form.acknowledge": Text(
        "我已知悉此提示，仍按此内容订立", "I have read this warning and keep the terms"
    ),
    "hr.form.save": Text("保存并检查", "Save and check"),
    "hr.form.to_contract": Text("返回合同", "Back to the contract"),
    "hr.users.title": Text("员工账号和角色", "Staff accounts and roles"),
    "hr.users.username": Text("用户名", "Username"),
    "hr.users.display_name": Text("显示名", "Display name"),
    "hr.users.password": Text("初始密码", "Initial password"),
    "hr.users.password_hint": Text(
        "至少 12 位，不能是常见密码。", "At least 12 characters, not a common password."
    ),
    "hr.users.roles": Text("角色", "Roles"),
    "hr.users.roles_of": Text("{username} 的角色", "Roles of {username}"),
    "hr.users.save_roles": Text("保存角色", "Save roles"),
    "hr.users.disabled": Text("已停用", "disabled"),
    "hr.users.new": Text("新建账号", "New account"),
    "hr.users.create": Text("创建账号", "Create the account"),
    "hr.users.made": Text("已创建账号 {username}。", "Account {username} created."),
    "hr.users.totp_once": Text(
        "该账号须使用动态口令登录。请把下面的密钥交给本人添加到身份验证器；它只显示这一次。",
        "This account logs in with an authenticator code. Hand the secret below to its owner "
        "for the authenticator app; it is shown this once only.",
    ),
    "hr.keys.title": Text("API 密钥", "API keys"),
    "hr.keys.name": Text("名称", "Name"),
    "hr.keys.prefix": Text("前缀", "Prefix"),
    "hr.keys.scopes": Text("权限范围", "Scopes"),
    "hr.keys.last_used": Text("最近使用", "Last used"),
    "hr.keys.revoke": Text("吊销", "Revoke"),
    "hr.keys.revoke_named": Text("吊销密钥 {name}", "Revoke key {name}"),
    "hr.keys.revoked": Text("已吊销", "revoked"),
    "hr.keys.none": Text("还没有 API 密钥。", "No API keys yet."),
    "hr.keys.new": Text("新建 API 密钥", "New API key"),
    "hr.keys.create": Text("创建密钥", "Create the key"),
    "hr.keys.made_once": Text(
        "密钥已创建。请立即复制保存，它只显示这一次：",
        "The key was created. Copy it now; it is shown this once only:",
    ),
    "hr.hooks.title": Text("Webhook 订阅", "Webhook subscriptions"),
    "hr.hooks.url": Text("接收地址", "Receiver URL"),
    "hr.hooks.events": Text("事件类型", "Event types"),
    "hr.hooks.events_hint": Text(
        "以空格或逗号分隔，例如 contract.sent contract.effective；* 表示全部。",
        "Separated by spaces or commas, e.g. contract.sent contract.effective; * for all.",
    ),
    "hr.hooks.active": Text("启用", "Active"),
    "hr.hooks.deactivate": Text("停用", "Deactivate"),
    "hr.hooks.none": Text("还没有订阅。", "No subscriptions yet."),
    "hr.hooks.new": Text("新建订阅", "New subscription"),
    "hr.hooks.create": Text("订阅", "Subscribe"),
    "hr.hooks.secret_once": Text(
        "已订阅 {url}。签名密钥只显示这一次：",
        "Subscribed {url}. The signing secret, shown this once:",
    ),
    "hr.hooks.deliveries": Text("投递记录", "Deliveries"),
    "hr.hooks.event": Text("事件", "Event"),
    "hr.hooks.status": Text("状态", "Status"),
    "hr.hooks.attempts": Text("尝试次数", "Attempts"),
    "hr.hooks.code": Text("HTTP 状态码", "HTTP status"),
    "hr.hooks.next_retry": Text("下次重试", "Next retry"),
    "hr.hooks.delivered": Text("送达时间", "Delivered"),
    "hr.hooks.replay": Text("重新投递", "Replay"),
    "hr.hooks.no_deliveries": Text("还没有投递。", "No deliveries yet."),
    "hr.hooks.back": Text("返回订阅列表", "Back to the subscriptions"),
    "hr.audit.title": Text("安全审计记录", "Security events"),
    "hr.audit.hint": Text(
        "本单位账号和 API 密钥的登录、授权和管理操作（最近 200 条，北京时间）。",
        "Logins, authorisations and administration by this organisation's accounts and API "
        "keys (latest 200, Beijing time).",
    ),
    "hr.audit.at": Text("时间", "Time"),
    "hr.audit.kind": Text("事件", "Event"),
    "hr.audit.actor": Text("操作者", "Actor"),
    "hr.audit.subject": Text("对象", "Subject"),
    "hr.audit.outcome": Text("结果", "Outcome"),
    "hr.audit.source": Text("来源地址", "Source"),
    "hr.audit.none": Text("没有记录。", "No events."),
    # -- the worker's pages (laborsign.web.pages.worker*) ----------------------------------
    "nav.me": Text("我的合同", "My contracts"),
    "worker.next": Text("下一步", "Next"),
    "worker.refused.title": Text("无法继续", "Cannot continue"),
    "worker.refused.back": Text("返回首页", "Back to the home page"),
    "worker.steps.label": Text("签署步骤", "Signing steps"),
    "worker.steps.notice": Text("须知", "Notice"),
    "worker.steps.identity": Text("身份核验", "Identity"),
    "worker.steps.read": Text("阅读合同", "Read"),
    "worker.steps.confirm": Text("确认", "Confirm"),
    "worker.steps.sign": Text("签名", "Sign"),
    "worker.start.title": Text("签订电子劳动合同", "Sign your electronic labor contract"),
    "worker.start.lead": Text(
        "用人单位邀请您在手机上签订劳动合同。接下来您将阅读签约须知、核验身份、阅读合同全文，"
        "然后用短信验证码确认并手写签名。",
        "Your employer invites you to sign a labor contract on your phone. You will read the "
        "notice, verify your identity, read the full contract, then confirm with an SMS code "
        "and sign by hand.",
    ),
    "worker.start.free": Text("签约全程免费。", "Signing is free of charge."),
    "worker.start.own": Text(
        "链接仅供本人使用，只能打开一次。", "The link is for you alone and opens once."
    ),
    "worker.start.time": Text(
        "大约需要 5 分钟；30 分钟无操作需重新获取链接。",
        "It takes about 5 minutes; after 30 minutes without activity you need a new link.",
    ),
    "worker.start.submit": Text("开始签署", "Start"),
    "worker.notice.version": Text("版本 {version}", "Version {version}"),
    "worker.notice.read": Text(
        "我已阅读并理解以上签约须知", "I have read and understood this notice"
    ),
    "worker.notice.submit": Text("确认并继续", "Acknowledge and continue"),
    "worker.identity.title": Text("核验身份", "Verify your identity"),
    "worker.identity.lead": Text(
        "请输入您本人的姓名和身份证号，我们将与登记的手机号一起核验，并向该手机发送验证码。",
        "Enter your own name and ID number; they are checked together with the phone on "
        "record, and a code is sent to that phone.",
    ),
    "worker.identity.phone": Text("登记的手机号：", "Phone on record:"),
    "worker.identity.name": Text("姓名", "Name"),
    "worker.identity.id_number": Text("身份证号", "ID number"),
    "worker.identity.id_hint": Text(
        "18 位居民身份证号码，最后一位可能是 X。",
        "The 18-character resident ID number; the last may be X.",
    ),
    "worker.identity.submit": Text("核验并发送验证码", "Verify and send the code"),
    "worker.code.title": Text("输入短信验证码", "Enter the SMS code"),
    "worker.code.sent": Text("验证码已发送至 {phone}。", "A code was sent to {phone}."),
    "worker.code.label": Text("验证码", "Code"),
    "worker.code.submit": Text("确认", "Confirm"),
    "worker.code.again": Text("没有收到？重新核验", "No code? Verify again"),
    "worker.read.title": Text("阅读合同", "Read the contract"),
    "worker.read.lead": Text(
        "以下是合同全文，请逐页仔细阅读。", "This is the full contract; read every page."
    ),
    "worker.read.zoom": Text(
        "双指可放大页面；点按页面可单独打开。",
        "Pinch to zoom; tap a page to open it on its own.",
    ),
    "worker.read.download": Text("下载合同 PDF", "Download the PDF"),
    "worker.read.page": Text("第 {n} 页，共 {total} 页", "Page {n} of {total}"),
    "worker.read.page_alt": Text("合同第 {n} 页（共 {total} 页）", "Contract page {n} of {total}"),
    "worker.read.digest": Text("文档指纹（SHA-256）：", "Document fingerprint (SHA-256):"),
    "worker.read.next": Text("我已阅读，去确认签署", "I have read it; confirm"),
    "worker.confirm.title": Text("确认签署意愿", "Confirm that you want to sign"),
    "worker.confirm.lead": Text(
        "我们将向您登记的手机发送签署验证码。输入验证码即表示您同意按上述合同内容签署。",
        "A signing code goes to the phone on record. Entering it means you agree to sign "
        "the contract as shown.",
    ),
    "worker.confirm.request": Text("获取签署验证码", "Send me the signing code"),
    "worker.confirm.again": Text("重新发送验证码", "Send a new code"),
    "worker.confirm.code": Text("签署验证码", "Signing code"),
    "worker.confirm.submit": Text("下一步：手写签名", "Next: sign by hand"),
    "worker.confirm.back": Text("返回阅读合同", "Back to the contract"),
    "worker.sign.title": Text("手写签名", "Sign by hand"),
    "worker.sign.lead": Text(
        "请在下方框内用手指写下您的姓名。",
        "Write your name in the box below with your finger.",
    ),
    "worker.sign.pad": Text("签名区", "Signature pad"),
    "worker.sign.undo": Text("撤销一笔", "Undo"),
    "worker.sign.clear": Text("清除", "Clear"),
    "worker.sign.empty": Text("请先在签名区写下您的姓名。", "Draw your signature first."),
    "worker.sign.noscript": Text(
        "手写签名需要浏览器启用 JavaScript。", "Signing by hand needs JavaScript."
    ),
    "worker.sign.submit": Text("确认签署", "Sign the contract"),
    "worker.sign.busy": Text("正在签署…", "Signing…"),
    "worker.done.title": Text("签署完成", "Signed"),
    "worker.done.signed": Text(
        "您已签署合同。用人单位签署后合同生效，届时您会收到短信。",
        "You have signed. The contract takes effect when the employer has signed; you will "
        "get an SMS.",
    ),
    "worker.done.effective": Text(
        "双方均已签署，合同已生效。请下载保存一份。",
        "Both parties have signed; the contract is in effect. Download and keep a copy.",
    ),
    "worker.done.intent_title": Text("已确认签署意愿", "Intent confirmed"),
    "worker.done.intent": Text(
        "用人单位签署后，您会收到新的短信链接，用于完成您的签名。",
        "After the employer signs, you will get a new SMS link to add your signature.",
    ),
    "worker.done.state": Text("合同状态：", "Contract status:"),
    "worker.done.download": Text("下载合同", "Download the contract"),
    "worker.done.me": Text("以后可随时在这里查看：", "Find it at any time in"),
    "worker.decline.link": Text("不同意签署？拒签", "Do not agree? Decline"),
    "worker.decline.title": Text("拒绝签署", "Decline to sign"),
    "worker.decline.lead": Text(
        "拒签后合同不会生效，本签署链接失效。请写明理由，用人单位会收到通知。",
        "If you decline, the contract does not take effect and this link stops working. "
        "Give a reason; your employer is told.",
    ),
    "worker.decline.reason": Text("拒签理由", "Reason"),
    "worker.decline.submit": Text("确认拒签", "Decline"),
    "worker.decline.back": Text("返回签署", "Back to signing"),
    "worker.declined.title": Text("已拒签", "Declined"),
    "worker.declined.text": Text(
        "您已拒绝签署该合同，合同不会生效。", "You declined this contract; it will not take effect."
    ),
    "worker.me.title": Text("我的合同", "My contracts"),
    "worker.me.login_lead": Text(
        "用登记的手机号和短信验证码登录，查看、下载和打印您与各用人单位的全部劳动合同，免费。",
        "Sign in with your phone and an SMS code to view, download and print all your "
        "labor contracts with every employer, free of charge.",
    ),
    "worker.me.phone": Text("手机号", "Phone number"),
    "worker.me.send_code": Text("发送验证码", "Send the code"),
    "worker.me.code_sent": Text(
        "如该手机号已登记，验证码已发送。", "If this phone is registered, a code was sent."
    ),
    "worker.me.login": Text("登录", "Sign in"),
    "worker.me.lead": Text(
        "您与各用人单位的全部劳动合同。", "All your labor contracts, with every employer."
    ),
    "worker.me.none": Text("还没有合同。", "No contracts yet."),
    "worker.me.number": Text("合同编号", "Number"),
    "worker.me.position": Text("岗位", "Position"),
    "worker.me.state": Text("状态", "Status"),
    "worker.me.completed": Text("生效时间", "In effect since"),
    "worker.me.view": Text("查看", "View"),
    "worker.me.download": Text("下载", "Download"),
    "worker.me.print": Text("打印", "Print"),
    "worker.me.logout": Text("退出", "Sign out"),
    "worker.me.back": Text("返回我的合同", "Back to my contracts"),
    "worker.me.verify_hint": Text(
        "任何人都可以验证下载的合同是否真实、未被改动：",
        "Anyone can check that a downloaded contract is genuine and unchanged:",
    ),
    "worker.me.history": Text("签署与查阅记录", "History"),
    "worker.me.at": Text("时间（北京）", "Time (Beijing)"),
    "worker.me.step": Text("事项", "What"),
    "worker.me.actor": Text("操作方", "By"),
    "worker.me.text": Text("合同全文", "Full text"),
}
