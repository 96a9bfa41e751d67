# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'login.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QProgressBar,
    QSizePolicy, QSpacerItem, QVBoxLayout, QWidget)

class Ui_LoginDialog(object):
    def setupUi(self, LoginDialog):
        if not LoginDialog.objectName():
            LoginDialog.setObjectName(u"LoginDialog")
        LoginDialog.resize(480, 460)
        LoginDialog.setMinimumSize(QSize(460, 0))
        self.mainLayout = QVBoxLayout(LoginDialog)
        self.mainLayout.setSpacing(10)
        self.mainLayout.setObjectName(u"mainLayout")
        self.mainLayout.setContentsMargins(18, 16, 18, 14)
        self.titleLabel = QLabel(LoginDialog)
        self.titleLabel.setObjectName(u"titleLabel")
        self.titleLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.mainLayout.addWidget(self.titleLabel)

        self.subtitleLabel = QLabel(LoginDialog)
        self.subtitleLabel.setObjectName(u"subtitleLabel")
        self.subtitleLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitleLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.subtitleLabel)

        self.serverGroup = QGroupBox(LoginDialog)
        self.serverGroup.setObjectName(u"serverGroup")
        self.serverForm = QFormLayout(self.serverGroup)
        self.serverForm.setObjectName(u"serverForm")
        self.serverForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.profileLabel = QLabel(self.serverGroup)
        self.profileLabel.setObjectName(u"profileLabel")

        self.serverForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.profileLabel)

        self.profileCombo = QComboBox(self.serverGroup)
        self.profileCombo.setObjectName(u"profileCombo")
        self.profileCombo.setEditable(True)
        self.profileCombo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)

        self.serverForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.profileCombo)

        self.urlLabel = QLabel(self.serverGroup)
        self.urlLabel.setObjectName(u"urlLabel")

        self.serverForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.urlLabel)

        self.urlEdit = QLineEdit(self.serverGroup)
        self.urlEdit.setObjectName(u"urlEdit")
        self.urlEdit.setClearButtonEnabled(True)

        self.serverForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.urlEdit)

        self.environmentLabel = QLabel(self.serverGroup)
        self.environmentLabel.setObjectName(u"environmentLabel")

        self.serverForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.environmentLabel)

        self.environmentCombo = QComboBox(self.serverGroup)
        self.environmentCombo.setObjectName(u"environmentCombo")

        self.serverForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.environmentCombo)


        self.mainLayout.addWidget(self.serverGroup)

        self.accountGroup = QGroupBox(LoginDialog)
        self.accountGroup.setObjectName(u"accountGroup")
        self.accountForm = QFormLayout(self.accountGroup)
        self.accountForm.setObjectName(u"accountForm")
        self.accountForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.usernameLabel = QLabel(self.accountGroup)
        self.usernameLabel.setObjectName(u"usernameLabel")

        self.accountForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.usernameLabel)

        self.usernameEdit = QLineEdit(self.accountGroup)
        self.usernameEdit.setObjectName(u"usernameEdit")
        self.usernameEdit.setMaxLength(64)

        self.accountForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.usernameEdit)

        self.passwordLabel = QLabel(self.accountGroup)
        self.passwordLabel.setObjectName(u"passwordLabel")

        self.accountForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.passwordLabel)

        self.passwordEdit = QLineEdit(self.accountGroup)
        self.passwordEdit.setObjectName(u"passwordEdit")
        self.passwordEdit.setMaxLength(256)
        self.passwordEdit.setEchoMode(QLineEdit.EchoMode.Password)

        self.accountForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.passwordEdit)

        self.rememberCheck = QCheckBox(self.accountGroup)
        self.rememberCheck.setObjectName(u"rememberCheck")

        self.accountForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.rememberCheck)


        self.mainLayout.addWidget(self.accountGroup)

        self.errorLabel = QLabel(LoginDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.mainLayout.addWidget(self.errorLabel)

        self.busyLayout = QHBoxLayout()
        self.busyLayout.setObjectName(u"busyLayout")
        self.busyBar = QProgressBar(LoginDialog)
        self.busyBar.setObjectName(u"busyBar")
        self.busyBar.setMaximumSize(QSize(120, 14))
        self.busyBar.setMaximum(0)
        self.busyBar.setTextVisible(False)

        self.busyLayout.addWidget(self.busyBar)

        self.statusLabel = QLabel(LoginDialog)
        self.statusLabel.setObjectName(u"statusLabel")
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.busyLayout.addWidget(self.statusLabel)

        self.busySpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.busyLayout.addItem(self.busySpacer)


        self.mainLayout.addLayout(self.busyLayout)

        self.bottomSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.bottomSpacer)

        self.buttonBox = QDialogButtonBox(LoginDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.profileLabel.setBuddy(self.profileCombo)
        self.urlLabel.setBuddy(self.urlEdit)
        self.environmentLabel.setBuddy(self.environmentCombo)
        self.usernameLabel.setBuddy(self.usernameEdit)
        self.passwordLabel.setBuddy(self.passwordEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.profileCombo, self.urlEdit)
        QWidget.setTabOrder(self.urlEdit, self.environmentCombo)
        QWidget.setTabOrder(self.environmentCombo, self.usernameEdit)
        QWidget.setTabOrder(self.usernameEdit, self.passwordEdit)
        QWidget.setTabOrder(self.passwordEdit, self.rememberCheck)

        self.retranslateUi(LoginDialog)

        QMetaObject.connectSlotsByName(LoginDialog)
    # setupUi

    def retranslateUi(self, LoginDialog):
        LoginDialog.setWindowTitle(QCoreApplication.translate("LoginDialog", u"Sign in \u2014 bo-desktop", None))
        self.titleLabel.setText(QCoreApplication.translate("LoginDialog", u"Sign in to the back office", None))
        self.subtitleLabel.setText(QCoreApplication.translate("LoginDialog", u"Choose the platform you work on, then sign in with your staff account.", None))
        self.serverGroup.setTitle(QCoreApplication.translate("LoginDialog", u"Server", None))
        self.profileLabel.setText(QCoreApplication.translate("LoginDialog", u"&Profile", None))
#if QT_CONFIG(tooltip)
        self.profileCombo.setToolTip(QCoreApplication.translate("LoginDialog", u"A saved server. Type a new name to save a new profile when you sign in.", None))
#endif // QT_CONFIG(tooltip)
        self.urlLabel.setText(QCoreApplication.translate("LoginDialog", u"&Address", None))
        self.urlEdit.setPlaceholderText(QCoreApplication.translate("LoginDialog", u"https://backoffice.example.com", None))
        self.environmentLabel.setText(QCoreApplication.translate("LoginDialog", u"&Environment", None))
#if QT_CONFIG(tooltip)
        self.environmentCombo.setToolTip(QCoreApplication.translate("LoginDialog", u"Sets the colour of the banner at the top of the window.", None))
#endif // QT_CONFIG(tooltip)
        self.accountGroup.setTitle(QCoreApplication.translate("LoginDialog", u"Account", None))
        self.usernameLabel.setText(QCoreApplication.translate("LoginDialog", u"&Username", None))
        self.passwordLabel.setText(QCoreApplication.translate("LoginDialog", u"Pass&word", None))
        self.rememberCheck.setText(QCoreApplication.translate("LoginDialog", u"&Keep me signed in on this computer", None))
    # retranslateUi

