; Yuva's Windows installer (NSIS 3, built on Linux with makensis): a per-user install without
; administrator rights, in Azerbaijani, Russian or English. Start-menu entries "Yuva" and
; "Yuva (safe graphics)", an entry in Apps & features, upgrade in place (the registry file and
; settings live in the user's AppData and are never touched by the installer).
;
;   makensis -DVERSION=0.1.0 -DEXE=path/to/yuva.exe -DOUTFILE=path/to/yuva-setup.exe yuva.nsi

Unicode true
Target amd64-unicode
!include "MUI2.nsh"

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef EXE
  !error "pass -DEXE=path/to/yuva.exe"
!endif
!ifndef OUTFILE
  !define OUTFILE "yuva-setup-${VERSION}.exe"
!endif
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Yuva"

Name "Yuva"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\Yuva"
InstallDirRegKey HKCU "Software\Yuva" "InstallDir"
SetCompressor /SOLID lzma
ShowInstDetails show

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "Yuva"
VIAddVersionKey /LANG=0 "FileDescription" "Yuva — foster-care registry and placement matching"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "Yuva team"

!define MUI_ICON "yuva.ico"
!define MUI_UNICON "yuva.ico"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "Software\Yuva"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_LANGDLL_WINDOWTITLE "Yuva"
!define MUI_LANGDLL_INFO "Dil seçin / Выберите язык / Choose a language"
!define MUI_FINISHPAGE_RUN "$INSTDIR\yuva.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; Azerbaijani first (the officers' language); NSIS has no Azerbaijani of its own, so its
; strings come from nsis/ beside this file (makensis runs in this folder).
!insertmacro MUI_LANGUAGEEX "nsis" "Azerbaijani"
!insertmacro MUI_LANGUAGE "Russian"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString SAFE_GRAPHICS ${LANG_AZERBAIJANI} "Yuva (təhlükəsiz qrafika)"
LangString SAFE_GRAPHICS ${LANG_RUSSIAN} "Yuva (безопасная графика)"
LangString SAFE_GRAPHICS ${LANG_ENGLISH} "Yuva (safe graphics)"

Function .onInit
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd

Section "Yuva"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  ; An upgrade replaces the program files in place; the data in AppData stays.
  File "/oname=yuva.exe" "${EXE}"
  File "yuva.ico"
  File "/oname=OFL.txt" "../../assets/fonts/OFL.txt"
  File "/oname=GAZETTEER-NOTICE.md" "../../assets/gazetteer/NOTICE.md"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  Delete "$SMPROGRAMS\Yuva (*).lnk"
  CreateShortcut "$SMPROGRAMS\Yuva.lnk" "$INSTDIR\yuva.exe" "" "$INSTDIR\yuva.ico"
  CreateShortcut "$SMPROGRAMS\$(SAFE_GRAPHICS).lnk" "$INSTDIR\yuva.exe" "--safe-graphics" "$INSTDIR\yuva.ico"

  WriteRegStr HKCU "Software\Yuva" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Yuva"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "Yuva team"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\yuva.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\Yuva.lnk"
  Delete "$SMPROGRAMS\Yuva (təhlükəsiz qrafika).lnk"
  Delete "$SMPROGRAMS\Yuva (безопасная графика).lnk"
  Delete "$SMPROGRAMS\Yuva (safe graphics).lnk"
  Delete "$INSTDIR\yuva.exe"
  Delete "$INSTDIR\yuva.ico"
  Delete "$INSTDIR\OFL.txt"
  Delete "$INSTDIR\GAZETTEER-NOTICE.md"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\Yuva"
SectionEnd
