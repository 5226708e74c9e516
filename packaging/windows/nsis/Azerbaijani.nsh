;Language: Azerbaijani, Latin script (1068)
;For Yuva's installer, translated from NSIS's English.nsh (the pages Yuva uses).

!insertmacro LANGFILE "Azerbaijani" "Azerbaijani" "Azərbaycan dili" "Azerbaycan dili"

!ifdef MUI_WELCOMEPAGE
  ${LangFileString} MUI_TEXT_WELCOME_INFO_TITLE "$(^NameDA) quraşdırma proqramına xoş gəlmisiniz"
  ${LangFileString} MUI_TEXT_WELCOME_INFO_TEXT "Bu proqram $(^NameDA) tətbiqini kompüterinizə quraşdıracaq. Administrator hüquqları lazım deyil.$\r$\n$\r$\nDavam etməzdən əvvəl açıq olan $(^NameDA) pəncərəsini bağlayın.$\r$\n$\r$\n$_CLICK"
!endif

!ifdef MUI_UNWELCOMEPAGE
  ${LangFileString} MUI_UNTEXT_WELCOME_INFO_TITLE "$(^NameDA) silmə proqramına xoş gəlmisiniz"
  ${LangFileString} MUI_UNTEXT_WELCOME_INFO_TEXT "Bu proqram $(^NameDA) tətbiqini kompüterinizdən siləcək.$\r$\n$\r$\nDavam etməzdən əvvəl $(^NameDA) pəncərəsini bağlayın.$\r$\n$\r$\n$_CLICK"
!endif

!ifdef MUI_INSTFILESPAGE
  ${LangFileString} MUI_TEXT_INSTALLING_TITLE "Quraşdırılır"
  ${LangFileString} MUI_TEXT_INSTALLING_SUBTITLE "$(^NameDA) quraşdırılır, gözləyin."
  ${LangFileString} MUI_TEXT_FINISH_TITLE "Quraşdırma tamamlandı"
  ${LangFileString} MUI_TEXT_FINISH_SUBTITLE "Quraşdırma uğurla başa çatdı."
  ${LangFileString} MUI_TEXT_ABORT_TITLE "Quraşdırma dayandırıldı"
  ${LangFileString} MUI_TEXT_ABORT_SUBTITLE "Quraşdırma başa çatmadı."
!endif

!ifdef MUI_UNINSTFILESPAGE
  ${LangFileString} MUI_UNTEXT_UNINSTALLING_TITLE "Silinir"
  ${LangFileString} MUI_UNTEXT_UNINSTALLING_SUBTITLE "$(^NameDA) silinir, gözləyin."
  ${LangFileString} MUI_UNTEXT_FINISH_TITLE "Silmə tamamlandı"
  ${LangFileString} MUI_UNTEXT_FINISH_SUBTITLE "Silmə uğurla başa çatdı."
  ${LangFileString} MUI_UNTEXT_ABORT_TITLE "Silmə dayandırıldı"
  ${LangFileString} MUI_UNTEXT_ABORT_SUBTITLE "Silmə başa çatmadı."
!endif

!ifdef MUI_FINISHPAGE
  ${LangFileString} MUI_TEXT_FINISH_INFO_TITLE "$(^NameDA) quraşdırılması başa çatır"
  ${LangFileString} MUI_TEXT_FINISH_INFO_TEXT "$(^NameDA) kompüterinizə quraşdırıldı.$\r$\n$\r$\nProqramı bağlamaq üçün Hazırdır düyməsini basın."
  ${LangFileString} MUI_TEXT_FINISH_INFO_REBOOT "$(^NameDA) quraşdırılmasını tamamlamaq üçün kompüter yenidən başladılmalıdır. İndi yenidən başladılsın?"
!endif

!ifdef MUI_UNFINISHPAGE
  ${LangFileString} MUI_UNTEXT_FINISH_INFO_TITLE "$(^NameDA) silinməsi başa çatır"
  ${LangFileString} MUI_UNTEXT_FINISH_INFO_TEXT "$(^NameDA) kompüterinizdən silindi.$\r$\n$\r$\nProqramı bağlamaq üçün Hazırdır düyməsini basın."
  ${LangFileString} MUI_UNTEXT_FINISH_INFO_REBOOT "$(^NameDA) silinməsini tamamlamaq üçün kompüter yenidən başladılmalıdır. İndi yenidən başladılsın?"
!endif

!ifdef MUI_FINISHPAGE | MUI_UNFINISHPAGE
  ${LangFileString} MUI_TEXT_FINISH_REBOOTNOW "İndi yenidən başlat"
  ${LangFileString} MUI_TEXT_FINISH_REBOOTLATER "Sonra özüm yenidən başladacağam"
  ${LangFileString} MUI_TEXT_FINISH_RUN "$(^NameDA) &başlat"
  ${LangFileString} MUI_TEXT_FINISH_SHOWREADME "&Oxu məni faylını göstər"
  ${LangFileString} MUI_BUTTONTEXT_FINISH "&Hazırdır"
!endif

!ifdef MUI_UNCONFIRMPAGE
  ${LangFileString} MUI_UNTEXT_CONFIRM_TITLE "$(^NameDA) silinməsi"
  ${LangFileString} MUI_UNTEXT_CONFIRM_SUBTITLE "$(^NameDA) kompüterinizdən silinsin. Reyestr faylınız və tənzimləmələriniz qalır."
!endif

!ifdef MUI_ABORTWARNING
  ${LangFileString} MUI_TEXT_ABORTWARNING "$(^Name) quraşdırılmasından çıxmaq istədiyinizə əminsiniz?"
!endif

!ifdef MUI_UNABORTWARNING
  ${LangFileString} MUI_UNTEXT_ABORTWARNING "$(^Name) silinməsindən çıxmaq istədiyinizə əminsiniz?"
!endif
